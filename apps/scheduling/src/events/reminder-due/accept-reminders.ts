import { Inject, Injectable } from '@nestjs/common';
import { DOMAIN_EVENT, ReminderSendRef } from '@appointments/contracts';
import { decideTransition } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { NewChatterEntry, statusChangedEntries } from '../../chatter/chatter-log';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventsRepository } from '../../persistence/events.repository';
import { LoadedEvent } from '../event-loader';
import { applyPlan, eventStatusPayload } from '../notification-plan';
import { REMINDER_SCHEDULER } from '../send-notification/send-notification';
import { triggerForNotification } from '../send-notification/notification-trigger';
import { sentChatterBody } from '../send-notification/send-chatter';

/** A reminder let go (sent at once, or released at its due time): the request it is, its dedupe key, and what was staged. */
export interface AcceptedReminder {
  requestId: string;
  eventId: string;
  /** The reminder for this start (`reminder:<reminderId>:<startVersion>`): dispatch sends once per key, and the effects are applied once per key. */
  dedupeKey: string;
  reminder: Pick<ReminderSendRef, 'reminderId' | 'configKey' | 'offsetMinutes' | 'late' | 'channels' | 'skipped'>;
  correlationId?: string;
}

/**
 * Applies what a reminder does to its event when it is let go, as any accepted send does ("the booking
 * status changes when the send is accepted", docs/decisions.md): at its release (the release
 * check answers `send`), when it is prepared again at release (`restaged`), or at its staging
 * when it goes at once. Before notification-dispatch calls the provider, so a customer never
 * holds a reminder whose event does not yet ask them to answer. Once per reminder (its dedupe key,
 * which notification-dispatch sends once), whatever the redeliveries, repeated checks or requests
 * (the chatter entry `let-go:<dedupeKey>` is the mark): a reminder prepared again after its
 * effects were applied (a crash between the release check and dispatch's commit, or the second
 * half of a two-channel reminder split between two dispatch processes) applies nothing twice. The
 * chatter line ("Reminder sent to Jane Doe by email (…), 1 day before the start"), and the state
 * machine's "reminder sent" (a config with accept/decline buttons moves a booked event to
 * `invited`), with its status-changed chatter and `ReminderSent`. A step of `StageReminders` and
 * `CheckReminderReleases`, which have the events loaded and locked in their transaction.
 */
@Injectable()
export class AcceptReminders {
  constructor(
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
    private readonly outbox: DomainEventOutbox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(accepted: readonly AcceptedReminder[], loaded: Map<string, LoadedEvent>, manager: EntityManager): Promise<void> {
    const firsts = [...new Map(accepted.map((item) => [item.dedupeKey, item])).values()];
    if (firsts.length === 0) return;
    const applied = await this.chatter.recordedSourceIds(
      manager,
      firsts.map((item) => sourceIdOf(item.dedupeKey)),
    );
    const chatter: NewChatterEntry[] = [];
    const events: NewDomainEvent[] = [];
    const changed = new Map<string, LoadedEvent>();
    for (const item of firsts) {
      const target = loaded.get(item.eventId);
      if (!target || applied.has(sourceIdOf(item.dedupeKey))) continue;
      chatter.push(...this.effectsOf(item, target, changed, events));
    }
    for (const target of changed.values()) target.event.version += 1;
    await this.events.saveStatusChanges(
      manager,
      [...changed.values()].map((target) => target.event),
    );
    await this.chatter.addMany(manager, chatter);
    await this.outbox.add(manager, events);
  }

  private effectsOf(
    item: AcceptedReminder,
    target: LoadedEvent,
    changed: Map<string, LoadedEvent>,
    events: NewDomainEvent[],
  ): NewChatterEntry[] {
    const { reminder } = item;
    const { event, customer, template } = target;
    const author = { name: REMINDER_SCHEDULER.name };
    const line: NewChatterEntry = {
      eventId: event.id,
      kind: 'notification_requested',
      body: sentChatterBody({
        actor: REMINDER_SCHEDULER,
        type: 'reminder',
        customerName: customer.name,
        channels: reminder.channels,
        skipped: reminder.skipped,
        reminder,
      }),
      author,
      data: { requestId: item.requestId, type: 'reminder', configKey: reminder.configKey, reminder },
      sourceId: sourceIdOf(item.dedupeKey),
    };
    const config = template.notificationConfigs.find((candidate) => candidate.key === reminder.configKey);
    const decision = decideTransition(event, triggerForNotification('reminder', config ?? { buttons: undefined }));
    if (!decision.allowed) {
      this.logger.info(
        { eventId: event.id, requestId: item.requestId, reason: decision.refusal.message },
        'reminder let go, but its status effect is refused by now; chatter only',
      );
      return [line];
    }
    const { previousBookingStatus } = applyPlan(target, { type: 'reminder', next: decision.next });
    events.push({
      type: DOMAIN_EVENT.ReminderSent,
      eventId: event.id,
      payload: eventStatusPayload(target, previousBookingStatus),
      correlationId: item.correlationId,
    });
    if (previousBookingStatus !== event.bookingStatus) changed.set(event.id, target);
    return [line, ...statusChangedEntries(event, previousBookingStatus, author)];
  }
}

/** The mark of a reminder let go: the source id of its chatter line. */
function sourceIdOf(dedupeKey: string): string {
  return `let-go:${dedupeKey}`;
}
