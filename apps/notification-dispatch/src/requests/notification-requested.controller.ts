import { Controller } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  DISPATCH_REQUEST,
  DOMAIN_EVENT,
  NotificationFailedPayload,
  NotificationRequestedPayload,
  RenderedNotificationPreview,
} from '@appointments/contracts';
import { DomainEventContext } from '@appointments/messaging';
import { NotificationDelivery } from '../delivery/notification-delivery';
import { LandingTokens, REDACTED_LANDING_TOKEN } from '../landing/landing-tokens';
import { DeliveryContent, NotificationEntity } from '../persistence/notification.entity';
import { ComposedNotification, composeNotification, redacted } from './notification-content';

/**
 * A send asked for by scheduling. For each channel, in the consumer's transaction: a
 * landing token when the config has buttons or reply codes (only its hash is stored), the
 * message composed, and the console row logged as `pending` with the token redacted, the
 * exact message held for the provider. Skipped channels are logged as `skipped` with why.
 * Delivery starts once that has committed.
 */
@Controller()
export class NotificationRequestedController {
  constructor(
    private readonly delivery: NotificationDelivery,
    private readonly landingTokens: LandingTokens,
  ) {}

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
    const withLanding = LandingTokens.needed(request.config);
    const pending: string[] = [];
    for (const notification of request.notifications) {
      const token = withLanding ? this.landingTokens.generate() : null;
      let composed: ComposedNotification;
      try {
        composed = composeNotification(request, notification.channel, token ? this.landingTokens.landingUrl(token) : null);
      } catch (error) {
        const reason = `could not render the ${notification.channel}: ${error instanceof Error ? error.message : String(error)}`;
        await manager.insert(NotificationEntity, { ...base, id: notification.notificationId, channel: notification.channel, status: 'failed', error: reason });
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
      if (token) {
        await this.landingTokens.record(manager, token, {
          notificationId: notification.notificationId,
          eventId: request.event.id,
          customerId: request.recipient.customerId,
          channel: notification.channel,
          config: request.config,
          eventEnd: new Date(request.event.end),
        });
      }
      const shown = redacted(composed, token, REDACTED_LANDING_TOKEN);
      await manager.insert(NotificationEntity, {
        ...base,
        id: notification.notificationId,
        channel: notification.channel,
        recipientEmail: notification.channel === 'email' ? notification.address : request.recipient.email,
        recipientPhone: notification.channel === 'sms' ? notification.address : request.recipient.phone,
        status: 'pending',
        subject: shown.subject,
        html: shown.html,
        text: shown.text,
        smsBody: shown.smsBody,
        attachments: shown.attachments,
        smsSegments: composed.smsSegments?.segments ?? null,
        smsEncoding: composed.smsSegments?.encoding ?? null,
        deliveryContent: deliveryContentOf(composed) as never,
      });
      pending.push(notification.notificationId);
    }
    for (const skipped of request.skipped) {
      await manager.insert(NotificationEntity, { ...base, id: randomUUID(), channel: skipped.channel, status: 'skipped', error: skipped.message });
    }
    context.afterCommit(() => this.delivery.deliverNow(pending));
  }

  /** The preview of a send: composed exactly as it would go out, the landing token redacted; nothing stored. */
  @MessagePattern(DISPATCH_REQUEST.renderPreview)
  renderPreview(@Payload() request: NotificationRequestedPayload): RenderedNotificationPreview {
    const landingUrl = LandingTokens.needed(request.config) ? this.landingTokens.landingUrl(REDACTED_LANDING_TOKEN) : null;
    const preview: RenderedNotificationPreview = { subject: null, html: null, text: null, attachments: [], sms: null, smsSegments: null };
    for (const { channel } of request.notifications) {
      const composed = composeNotification(request, channel, landingUrl);
      if (channel === 'email') Object.assign(preview, { subject: composed.subject, html: composed.html, text: composed.text, attachments: composed.attachments });
      else Object.assign(preview, { sms: composed.smsBody, smsSegments: composed.smsSegments });
    }
    return preview;
  }
}

function deliveryContentOf(composed: ComposedNotification): DeliveryContent {
  return { from: composed.from, subject: composed.subject, html: composed.html, text: composed.text, smsBody: composed.smsBody, attachments: composed.attachments };
}
