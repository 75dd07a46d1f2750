import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DOMAIN_EVENT,
  EventRescheduledPayload,
  EventStatusChangedPayload,
  FieldsChangedPayload,
  ReminderMissedPayload,
} from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { RemindersRepository } from '../persistence/reminders.repository';
import { JobChanges, ReminderQueue } from '../reminders/reminder-queue';
import { Fact, ReminderSchedule } from './reminder-schedule';

/**
 * The facts that shape the schedule, taken in batches (a bench books tens of thousands of events
 * at once). Postgres changes in the consumer's transaction; the Redis side (add/remove delayed
 * jobs) after the commit, never inside it. If that fails (Redis down), the schedule is right and
 * reconcile repairs Redis within `REMINDER_RECONCILE_INTERVAL_SECONDS`.
 */
@Controller()
export class EventFactsController {
  constructor(
    private readonly schedule: ReminderSchedule,
    private readonly reminders: RemindersRepository,
    private readonly jobs: ReminderQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(DOMAIN_EVENT.EventBooked, HANDLES_BATCHES)
  async onBooked(@Payload() payloads: EventStatusChangedPayload[], @Ctx() context: DomainEventBatchContext) {
    this.afterCommit(context, await this.schedule.book(context.manager, facts(payloads, context)));
  }

  @EventPattern(DOMAIN_EVENT.RsvpRequested, HANDLES_BATCHES)
  async onRsvpRequested(@Payload() payloads: EventStatusChangedPayload[], @Ctx() context: DomainEventBatchContext) {
    this.afterCommit(context, await this.schedule.book(context.manager, facts(payloads, context)));
  }

  @EventPattern(DOMAIN_EVENT.FieldsChanged, HANDLES_BATCHES)
  async onFieldsChanged(@Payload() payloads: FieldsChangedPayload[], @Ctx() context: DomainEventBatchContext) {
    this.afterCommit(context, await this.schedule.move(context.manager, facts(payloads, context)));
  }

  @EventPattern(DOMAIN_EVENT.EventRescheduled, HANDLES_BATCHES)
  async onRescheduled(@Payload() payloads: EventRescheduledPayload[], @Ctx() context: DomainEventBatchContext) {
    this.afterCommit(context, await this.schedule.move(context.manager, facts(payloads, context)));
  }

  @EventPattern(DOMAIN_EVENT.EventCancelled, HANDLES_BATCHES)
  async onCancelled(@Payload() payloads: EventStatusChangedPayload[], @Ctx() context: DomainEventBatchContext) {
    this.afterCommit(context, await this.schedule.cancel(context.manager, facts(payloads, context)));
  }

  /** A staged reminder withdrawn at release because its event had started: the reminder is `missed`, and logged. */
  @EventPattern(DOMAIN_EVENT.ReminderMissed, HANDLES_BATCHES)
  async onMissed(@Payload() payloads: ReminderMissedPayload[], @Ctx() context: DomainEventBatchContext) {
    const marked = new Set(await this.reminders.markMissed(context.manager, payloads, new Date()));
    context.afterCommit(async () => {
      for (const missed of payloads.filter((payload) => marked.has(payload.reminderId)))
        this.logger.warn(missed, 'reminder missed: released at or after the event start; not sent');
    });
  }

  private afterCommit(context: DomainEventBatchContext, changes: JobChanges) {
    if (changes.add.length === 0 && changes.remove.length === 0) return;
    context.afterCommit(async () => {
      try {
        await this.jobs.apply(changes);
      } catch (error) {
        this.logger.warn(
          { err: error, added: changes.add.length, removed: changes.remove.length },
          'could not update the delayed jobs in Redis; reconcile will repair them',
        );
      }
    });
  }
}

function facts<P>(payloads: P[], context: DomainEventBatchContext): Fact<P>[] {
  return payloads.map((payload, index) => ({ payload, occurredAt: new Date(context.envelopes[index].occurredAt) }));
}
