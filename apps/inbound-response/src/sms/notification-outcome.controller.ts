import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT, NotificationFailedPayload, NotificationSentPayload } from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ReplyTargets } from './reply-targets';

/**
 * Keeps inbound-response's copy of the open reply targets current from notification-dispatch's
 * outcomes: a sent SMS with reply codes on opens one (`NotificationSent.replyTarget`), a failed
 * notification closes its own. A batch is one statement each; the many sent notifications
 * without a target (emails, SMS without reply codes) cost nothing but the filter.
 */
@Controller()
export class NotificationOutcomeController {
  constructor(
    private readonly replyTargets: ReplyTargets,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(DOMAIN_EVENT.NotificationSent, HANDLES_BATCHES)
  async onSent(@Payload() sent: NotificationSentPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.replyTargets.keep(context.manager, sent);
    // Once an hour at most, after the commit, so the batch's transaction does not wait on it.
    if (this.replyTargets.claimPrune()) {
      context.afterCommit(async () => {
        const pruned = await this.replyTargets.prune(this.dataSource);
        if (pruned > 0) this.logger.info({ pruned }, 'expired reply targets pruned');
      });
    }
  }

  @EventPattern(DOMAIN_EVENT.NotificationFailed, HANDLES_BATCHES)
  async onFailed(@Payload() failed: NotificationFailedPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.replyTargets.close(
      context.manager,
      failed.filter((outcome) => outcome.channel === 'sms').map((outcome) => outcome.notificationId),
    );
  }
}
