import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENT } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent, toErrorShape } from '@appointments/messaging';
import { EntityManager } from 'typeorm';
import { EventLoader } from '../event-loader';
import { NotificationPlanner } from '../notification-plan';
import { StartMoved } from '../send-notification/start-moved';
import { AcceptedReminder, AcceptReminders } from './accept-reminders';
import { letGo, reminderRequest, ReminderToStage, staysStaged } from './reminder-request';

/** A prepared reminder (its request id and channels), or why it was not prepared. */
export type StagingOutcome =
  | { eventId: string; result: { requestId: string; channels: { channel: string }[]; sendAt: string | null } }
  | { eventId: string; refusal: unknown };

/**
 * Stages due reminders, scheduling's part (see docs/decisions.md, "Staged reminders"): `ReminderDue`,
 * fired by reminder-scheduler `REMINDER_STAGE_AHEAD_SECONDS` before the due time. Each reminder is
 * planned as a send would be (start version, state machine, config, channels with the stop list,
 * sender) but nothing is applied: no status change, no chatter. The event as the send would leave it
 * is rendered into `NotificationRequested` with `sendAt` (the due time) and `reminder` (what was
 * staged: the event's version, the time, the channels); notification-dispatch renders and holds it,
 * and asks at the due time whether it may still go (`CheckReminderReleases`).
 *
 * A reminder whose due time has come already goes at once (no `sendAt`) and is let go here: its
 * effects on its event are applied (`AcceptReminders`), which is why its events are then locked.
 */
@Injectable()
export class StageReminders {
  constructor(
    private readonly loader: EventLoader,
    private readonly planner: NotificationPlanner,
    private readonly outbox: DomainEventOutbox,
    private readonly acceptReminders: AcceptReminders,
  ) {}

  /** Prepares due reminders in `manager`'s transaction (a consumer's batch): one outcome each, in order. */
  async execute(reminders: ReminderToStage[], manager: EntityManager, now = new Date()): Promise<StagingOutcome[]> {
    // Locked only when a reminder goes at once (its due time has come): it is let go here, which writes the event.
    const atOnceDue = reminders.some((reminder) => !staysStaged(reminder, now));
    const loaded = await this.loader.loadMany(
      manager,
      reminders.map((reminder) => reminder.eventId),
      { forUpdate: atOnceDue },
    );
    const facts = await this.planner.facts(manager, [...loaded.values()]);
    const events: NewDomainEvent[] = [];
    const atOnce: AcceptedReminder[] = [];
    const outcomes = reminders.map((reminder): StagingOutcome => {
      try {
        const item = loaded.get(reminder.eventId);
        if (!item) throw new NotFound('event', reminder.eventId);
        if (item.event.startVersion !== reminder.startVersion) throw new StartMoved(reminder.startVersion, item.event.startVersion);
        const requested = reminderRequest(this.planner.plan(facts, item, 'reminder', reminder.configKey), item, reminder, now);
        events.push({
          type: DOMAIN_EVENT.NotificationRequested,
          eventId: reminder.eventId,
          payload: requested,
          correlationId: reminder.correlationId,
        });
        if (!requested.sendAt) atOnce.push(letGo(requested, reminder.correlationId));
        return {
          eventId: reminder.eventId,
          result: { requestId: requested.requestId, channels: requested.notifications, sendAt: requested.sendAt ?? null },
        };
      } catch (error) {
        if (toErrorShape(error).code === 'internal') throw error;
        return { eventId: reminder.eventId, refusal: error };
      }
    });
    await this.outbox.add(manager, events);
    await this.acceptReminders.execute(atOnce, loaded, manager);
    return outcomes;
  }
}
