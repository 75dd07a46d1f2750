import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  DOMAIN_EVENT,
  ReminderDuePayload,
  ReminderReleaseCheck,
  ReminderReleaseVerdict,
  SCHEDULING_REQUEST,
} from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER, runWithCorrelation } from '@appointments/observability';
import type { Logger } from 'pino';
import { CheckReminderReleases } from './check-reminder-releases';
import { reminderVerdict } from './reminder-due';
import { reminderToStage } from './reminder-request';
import { StageReminders } from './stage-reminders';

/**
 * Reminders fired by reminder-scheduler a lead time before they are due are staged: checked
 * and planned as a send, rendered and held by notification-dispatch (`StageReminders`). A batch
 * of them is a handful of statements in the consumer's transaction. A stale or refused reminder
 * changes nothing, is logged, and is acknowledged like the rest: a business refusal is no
 * failure to retry. At the due time, notification-dispatch asks whether they may still go
 * (`CheckReminderReleases`).
 */
@Controller()
export class ReminderDueController {
  constructor(
    private readonly stageReminders: StageReminders,
    private readonly checkReminderReleases: CheckReminderReleases,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(DOMAIN_EVENT.ReminderDue, HANDLES_BATCHES)
  async onReminderDue(@Payload() due: ReminderDuePayload[], @Ctx() context: DomainEventBatchContext) {
    const outcomes = await this.stageReminders.execute(
      due.map((reminder, index) => reminderToStage(reminder, context.correlationIds[index])),
      context.manager,
    );
    const verdicts = outcomes.map((outcome, index) => reminderVerdict(due[index], outcome));
    // Told once the batch has committed: a batch that fails is handled again message by message.
    context.afterCommit(async () => {
      verdicts.forEach((verdict, index) =>
        runWithCorrelation(context.correlationIds[index], () =>
          this.logger[verdict.level]({ ...verdict.fields, outcome: verdict.outcome }, verdict.message),
        ),
      );
    });
  }

  @MessagePattern(SCHEDULING_REQUEST.checkReminderReleases)
  checkReleases(@Payload() check: ReminderReleaseCheck): Promise<ReminderReleaseVerdict[]> {
    return this.checkReminderReleases.execute(check);
  }
}
