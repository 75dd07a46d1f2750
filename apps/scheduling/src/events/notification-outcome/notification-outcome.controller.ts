import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, NotificationFailedPayload, NotificationSentPayload } from '@appointments/contracts';
import { DomainEventContext } from '@appointments/messaging';
import { CHANNEL_LABEL, ChatterLog, NOTIFICATION_TYPE_LABEL } from '../../chatter/chatter-log';
import { EventEntity } from '../../persistence/event.entity';

const FAILURE_WORDS: Record<NotificationFailedPayload['status'], string> = {
  failed: 'failed',
  skipped: 'was skipped',
  undelivered: 'was not delivered',
  bounced: 'bounced',
};

/** What happened to a notification, told back by notification-dispatch, goes into the event's chatter. */
@Controller()
export class NotificationOutcomeController {
  constructor(private readonly chatter: ChatterLog) {}

  @EventPattern(DOMAIN_EVENT.NotificationSent)
  async onSent(@Payload() sent: NotificationSentPayload, @Ctx() context: DomainEventContext) {
    if (!(await context.manager.existsBy(EventEntity, { id: sent.eventId }))) return;
    await this.chatter.add(context.manager, {
      eventId: sent.eventId,
      kind: 'notification_sent',
      body: `${NOTIFICATION_TYPE_LABEL[sent.type] ?? sent.type} sent by ${CHANNEL_LABEL[sent.channel]} to ${sent.recipientName} (${sent.to})`,
      channel: sent.channel,
      data: { notificationId: sent.notificationId, provider: sent.provider, providerMessageId: sent.providerMessageId, sentAt: sent.sentAt },
      sourceId: `sent:${sent.notificationId}`,
    });
  }

  @EventPattern(DOMAIN_EVENT.NotificationFailed)
  async onFailed(@Payload() failed: NotificationFailedPayload, @Ctx() context: DomainEventContext) {
    if (!(await context.manager.existsBy(EventEntity, { id: failed.eventId }))) return;
    await this.chatter.add(context.manager, {
      eventId: failed.eventId,
      kind: 'notification_failed',
      body: `${NOTIFICATION_TYPE_LABEL[failed.type] ?? failed.type} by ${CHANNEL_LABEL[failed.channel]} to ${failed.recipientName} (${failed.to}) ${FAILURE_WORDS[failed.status]}: ${failed.reason}`,
      channel: failed.channel,
      data: { notificationId: failed.notificationId, status: failed.status, reason: failed.reason },
      sourceId: `failed:${failed.notificationId}`,
    });
  }
}
