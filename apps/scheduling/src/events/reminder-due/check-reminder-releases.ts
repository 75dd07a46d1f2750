import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DOMAIN_EVENT,
  ReminderMissedPayload,
  ReminderReleaseCheck,
  ReminderReleaseVerdict,
  StagedReminderDto,
} from '@appointments/contracts';
import { decideReminderRelease, ReleaseTimeFacts } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent, toErrorShape } from '@appointments/messaging';
import { DataSource } from 'typeorm';
import { EventLoader, LoadedEvent } from '../event-loader';
import { NotificationPlanner, PlanningFacts } from '../notification-plan';
import { AcceptedReminder, AcceptReminders } from './accept-reminders';
import { letGo, reminderRequest, stagedToStage } from './reminder-request';

/**
 * The release check of staged reminders (`SCHEDULING_REQUEST.checkReminderReleases`, asked by
 * notification-dispatch at their due time; see docs/decisions.md, "Staged reminders"): each is
 * decided by `decideReminderRelease` against its event as it is now. One whose message may have
 * changed is prepared again here and sent at once (`restaged`): its new request carries the same
 * dedupe key, which the staged copy frees when notification-dispatch withdraws it. One whose event
 * has started is missed, and reminder-scheduler is told (`ReminderMissed`). Those let go (sent, or
 * prepared again) have their effects applied (`AcceptReminders`) in the same transaction, before
 * notification-dispatch sends them.
 */
@Injectable()
export class CheckReminderReleases {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly planner: NotificationPlanner,
    private readonly outbox: DomainEventOutbox,
    private readonly acceptReminders: AcceptReminders,
  ) {}

  /** One verdict per staged reminder, in the order asked. */
  execute(check: ReminderReleaseCheck, now = new Date()): Promise<ReminderReleaseVerdict[]> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.loader.loadMany(
        manager,
        check.reminders.map((staged) => staged.eventId),
        { forUpdate: true },
      );
      const facts = await this.planner.facts(manager, [...loaded.values()]);
      const restaged: NewDomainEvent[] = [];
      const letGoNow: AcceptedReminder[] = [];
      const missed: NewDomainEvent[] = [];
      const verdicts = check.reminders.map((staged): ReminderReleaseVerdict => {
        const item = loaded.get(staged.eventId) ?? null;
        const decision = decideReminderRelease(
          {
            startVersion: staged.reminder.startVersion,
            eventVersion: staged.reminder.eventVersion,
            stagedAt: new Date(staged.reminder.stagedAt),
            channels: staged.reminder.channels,
          },
          item && this.releaseTimeFacts(item, facts, staged.reminder.configKey),
          now,
        );
        if (decision.outcome === 'send') {
          letGoNow.push({ requestId: staged.requestId, eventId: staged.eventId, dedupeKey: staged.dedupeKey, reminder: staged.reminder });
          return { requestId: staged.requestId, verdict: 'send' };
        }
        if (decision.outcome === 'missed')
          missed.push({ type: DOMAIN_EVENT.ReminderMissed, eventId: staged.eventId, payload: missedReminder(staged, decision.reason) });
        if (decision.outcome !== 'restage') return { requestId: staged.requestId, verdict: decision.outcome, reason: decision.reason };
        const reminder = stagedToStage(staged);
        const requested = reminderRequest(this.planner.plan(facts, item!, 'reminder', reminder.configKey), item!, reminder, now);
        restaged.push({ type: DOMAIN_EVENT.NotificationRequested, eventId: staged.eventId, payload: requested });
        letGoNow.push(letGo(requested));
        return { requestId: staged.requestId, verdict: 'restaged', reason: decision.reason };
      });
      await this.outbox.add(manager, [...restaged, ...missed]);
      // After every decision: the effects change the loaded events the decisions read.
      await this.acceptReminders.execute(letGoNow, loaded, manager);
      return verdicts;
    });
  }

  /** The event as it is now, and what a reminder planned now would do (`decideReminderRelease`'s facts). */
  private releaseTimeFacts(loaded: LoadedEvent, facts: PlanningFacts, configKey: string): ReleaseTimeFacts {
    const { event, customer, template } = loaded;
    let plan: ReleaseTimeFacts['plan'];
    try {
      const planned = this.planner.plan(facts, loaded, 'reminder', configKey);
      plan = { allowed: true, channels: planned.selection.channels };
    } catch (error) {
      if (toErrorShape(error).code === 'internal') throw error;
      plan = { allowed: false, reason: toErrorShape(error).message };
    }
    return {
      startVersion: event.startVersion,
      version: event.version,
      start: event.start,
      // A staff edit of the customer moves it (`UpdateCustomer`): the reminder is prepared again, to the new details.
      customerUpdatedAt: customer.updatedAt,
      templateUpdatedAt: template.updatedAt,
      plan,
    };
  }
}

/** A staged reminder whose event started before its release, as reminder-scheduler is told. */
function missedReminder(staged: StagedReminderDto, reason: string): ReminderMissedPayload {
  const { reminderId, startVersion, dueAt } = staged.reminder;
  return { reminderId, eventId: staged.eventId, startVersion, dueAt, reason };
}
