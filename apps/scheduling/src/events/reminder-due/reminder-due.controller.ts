import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, ReminderDuePayload } from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER, runWithCorrelation } from '@appointments/observability';
import type { Logger } from 'pino';
import { REMINDER_SCHEDULER, SendNotificationHandler } from '../send-notification/send-notification.handler';
import { reminderSend, reminderVerdict } from './reminder-due';

/**
 * Reminders fired by reminder-scheduler, sent exactly as a staff send would be (state
 * machine, channels, chatter, `ReminderSent`, `NotificationRequested` with the dedupe key),
 * by the system author "Reminder scheduler". A batch of them is one `executeMany`: a handful
 * of statements in the consumer's transaction. A stale or refused reminder changes nothing,
 * is logged, and is acknowledged like the rest: a business refusal is no failure to retry.
 */
@Controller()
export class ReminderDueController {
  constructor(
    private readonly sends: SendNotificationHandler,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(DOMAIN_EVENT.ReminderDue, HANDLES_BATCHES)
  async onReminderDue(@Payload() due: ReminderDuePayload[], @Ctx() context: DomainEventBatchContext) {
    const outcomes = await this.sends.executeMany(
      { actor: REMINDER_SCHEDULER, sends: due.map((reminder, index) => reminderSend(reminder, context.correlationIds[index])) },
      context.manager,
    );
    const verdicts = outcomes.map((outcome, index) => reminderVerdict(due[index], outcome));
    // Told once the batch has committed: a batch that fails is handled again message by message.
    context.afterCommit(async () => {
      verdicts.forEach((verdict, index) =>
        runWithCorrelation(context.correlationIds[index], () => this.logger[verdict.level]({ ...verdict.fields, outcome: verdict.outcome }, verdict.message)),
      );
    });
  }
}
