import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, NotificationFailedPayload, ReplyTargetOpenedPayload } from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { ReplyTargets } from './reply-targets';

/**
 * Keeps inbound-response's copy of the open reply targets current from notification-dispatch's
 * events: a sent SMS with reply codes on opens one (`ReplyTargetOpened`), a failed
 * notification closes its own (`NotificationFailed`). A batch is one statement each; expired
 * targets are pruned by `InboundRetention`.
 */
@Controller()
export class NotificationOutcomeController {
  constructor(private readonly replyTargets: ReplyTargets) {}

  @EventPattern(DOMAIN_EVENT.ReplyTargetOpened, HANDLES_BATCHES)
  async onOpened(@Payload() opened: ReplyTargetOpenedPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.replyTargets.keep(context.manager, opened);
  }

  @EventPattern(DOMAIN_EVENT.NotificationFailed, HANDLES_BATCHES)
  async onFailed(@Payload() failed: NotificationFailedPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.replyTargets.close(
      context.manager,
      failed.filter((outcome) => outcome.channel === 'sms').map((outcome) => outcome.notificationId),
    );
  }
}
