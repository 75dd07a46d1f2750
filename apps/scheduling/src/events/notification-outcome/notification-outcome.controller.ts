import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, NotificationFailedPayload, NotificationSentPayload } from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { RecordNotificationOutcomes } from './record-notification-outcomes';

/** What happened to notifications, told back by notification-dispatch, handed to `RecordNotificationOutcomes` a batch at a time. */
@Controller()
export class NotificationOutcomeController {
  constructor(private readonly recordNotificationOutcomes: RecordNotificationOutcomes) {}

  @EventPattern(DOMAIN_EVENT.NotificationSent, HANDLES_BATCHES)
  async onSent(@Payload() sent: NotificationSentPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.recordNotificationOutcomes.execute(
      sent.map((outcome) => ({ sent: outcome })),
      context.manager,
    );
  }

  @EventPattern(DOMAIN_EVENT.NotificationFailed, HANDLES_BATCHES)
  async onFailed(@Payload() failed: NotificationFailedPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.recordNotificationOutcomes.execute(
      failed.map((outcome) => ({ failed: outcome })),
      context.manager,
    );
  }
}
