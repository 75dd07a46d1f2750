import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT, NotificationFailedPayload, ReplyTargetOpenedPayload } from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ReplyTargets } from './reply-targets';

/**
 * Keeps inbound-response's copy of the open reply targets current from notification-dispatch's
 * events: a sent SMS with reply codes on opens one (`ReplyTargetOpened`), a failed
 * notification closes its own (`NotificationFailed`). A batch is one statement each.
 */
@Controller()
export class NotificationOutcomeController {
  constructor(
    private readonly replyTargets: ReplyTargets,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(DOMAIN_EVENT.ReplyTargetOpened, HANDLES_BATCHES)
  async onOpened(@Payload() opened: ReplyTargetOpenedPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.replyTargets.keep(context.manager, opened);
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
