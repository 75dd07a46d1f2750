import { Controller } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, NotificationFailedPayload, NotificationRequestedPayload } from '@appointments/contracts';
import { DomainEventContext } from '@appointments/messaging';
import { NotificationDelivery } from '../delivery/notification-delivery';
import { NotificationEntity } from '../persistence/notification.entity';
import { renderForChannel, RenderedNotification } from './notification-content';

/**
 * A send asked for by scheduling: each channel's message is rendered and logged in the
 * console as `pending` (skipped channels as `skipped`, with the reason) in the consumer's
 * transaction; delivery starts once that has committed.
 */
@Controller()
export class NotificationRequestedController {
  constructor(private readonly delivery: NotificationDelivery) {}

  @EventPattern(DOMAIN_EVENT.NotificationRequested)
  async onRequested(@Payload() request: NotificationRequestedPayload, @Ctx() context: DomainEventContext) {
    const { manager } = context;
    const base = {
      requestId: request.requestId,
      eventId: request.event.id,
      type: request.type,
      configKey: request.configKey,
      direction: 'outbound' as const,
      recipientName: request.recipient.name,
      recipientEmail: request.recipient.email,
      recipientPhone: request.recipient.phone,
      eventStart: new Date(request.event.start),
      attachments: [],
    };
    const pending: string[] = [];
    for (const notification of request.notifications) {
      let content: RenderedNotification;
      try {
        content = renderForChannel(request, notification.channel);
      } catch (error) {
        const reason = `could not render the ${notification.channel}: ${error instanceof Error ? error.message : String(error)}`;
        await manager.insert(NotificationEntity, { ...base, id: notification.notificationId, channel: notification.channel, status: 'failed', error: reason, subject: null, text: null, html: null, smsBody: null });
        const failed: NotificationFailedPayload = {
          notificationId: notification.notificationId,
          requestId: request.requestId,
          eventId: request.event.id,
          type: request.type,
          channel: notification.channel,
          to: notification.address,
          recipientName: request.recipient.name,
          status: 'failed',
          reason,
        };
        await context.publish([{ type: DOMAIN_EVENT.NotificationFailed, eventId: request.event.id, payload: failed }]);
        continue;
      }
      await manager.insert(NotificationEntity, {
        ...base,
        id: notification.notificationId,
        channel: notification.channel,
        recipientEmail: notification.channel === 'email' ? notification.address : request.recipient.email,
        recipientPhone: notification.channel === 'sms' ? notification.address : request.recipient.phone,
        status: 'pending',
        ...content,
      });
      pending.push(notification.notificationId);
    }
    for (const skipped of request.skipped) {
      await manager.insert(NotificationEntity, { ...base, id: randomUUID(), channel: skipped.channel, status: 'skipped', error: skipped.message, subject: null, text: null, html: null, smsBody: null });
    }
    context.afterCommit(() => this.delivery.deliverNow(pending));
  }
}
