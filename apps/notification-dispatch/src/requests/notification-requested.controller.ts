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
import { DomainEventBatchContext, HANDLES_BATCHES, NewDomainEvent } from '@appointments/messaging';
import { insertRows } from '@appointments/persistence';
import { NotificationDelivery } from '../delivery/notification-delivery';
import { LandingTokens, LandingTokenScope, REDACTED_LANDING_TOKEN } from '../landing/landing-tokens';
import { DeliveryContent, NotificationAttachment } from '../persistence/notification.entity';
import { ComposedNotification, composeNotification, deliveryContentOf, redacted } from './notification-content';

/**
 * Sends asked for by scheduling, taken in batches (whatever arrived together). For each
 * channel of each request: a landing token when the config has buttons or reply codes
 * (only its hash is stored), the message composed, and the console row logged as
 * `pending` with the token redacted, the exact message held for the provider. Skipped
 * channels are logged as `skipped` with why; a message that cannot be rendered is logged
 * as `failed`. The tokens and the console rows of the whole batch are written with one
 * statement each. Delivery starts once that has committed.
 */
@Controller()
export class NotificationRequestedController {
  constructor(
    private readonly delivery: NotificationDelivery,
    private readonly landingTokens: LandingTokens,
  ) {}

  @EventPattern(DOMAIN_EVENT.NotificationRequested, HANDLES_BATCHES)
  async onRequested(@Payload() requests: NotificationRequestedPayload[], @Ctx() context: DomainEventBatchContext) {
    const rows: ConsoleRow[] = [];
    const tokens: { token: string; scope: LandingTokenScope }[] = [];
    const failures: NewDomainEvent[] = [];
    const pending = new Map<string, string | undefined>();
    requests.forEach((request, index) => {
      const correlationId = context.correlationIds[index];
      const base: ConsoleRow = {
        id: '',
        request_id: request.requestId,
        event_id: request.event.id,
        type: request.type,
        config_key: request.configKey,
        channel: 'email',
        direction: 'outbound',
        recipient_name: request.recipient.name,
        recipient_email: request.recipient.email,
        recipient_phone: request.recipient.phone,
        event_start: request.event.start,
        status: 'pending',
        error: null,
        subject: null,
        body_html: null,
        body_text: null,
        sms_body: null,
        attachments: [],
        sms_segments: null,
        sms_encoding: null,
        delivery_content: null,
      };
      const withLanding = LandingTokens.needed(request.config);
      for (const notification of request.notifications) {
        const token = withLanding ? this.landingTokens.generate() : null;
        let composed: ComposedNotification;
        try {
          composed = composeNotification(request, notification.channel, token ? this.landingTokens.landingUrl(token) : null);
        } catch (error) {
          const reason = `could not render the ${notification.channel}: ${error instanceof Error ? error.message : String(error)}`;
          rows.push({ ...base, id: notification.notificationId, channel: notification.channel, status: 'failed', error: reason });
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
          failures.push({ type: DOMAIN_EVENT.NotificationFailed, eventId: request.event.id, payload: failed, correlationId });
          continue;
        }
        if (token) {
          tokens.push({
            token,
            scope: {
              notificationId: notification.notificationId,
              eventId: request.event.id,
              customerId: request.recipient.customerId,
              channel: notification.channel,
              config: request.config,
              eventEnd: new Date(request.event.end),
            },
          });
        }
        const shown = redacted(composed, token, REDACTED_LANDING_TOKEN);
        rows.push({
          ...base,
          id: notification.notificationId,
          channel: notification.channel,
          recipient_email: notification.channel === 'email' ? notification.address : request.recipient.email,
          recipient_phone: notification.channel === 'sms' ? notification.address : request.recipient.phone,
          status: 'pending',
          subject: shown.subject,
          body_html: shown.html,
          body_text: shown.text,
          sms_body: shown.smsBody,
          attachments: shown.attachments,
          sms_segments: composed.smsSegments?.segments ?? null,
          sms_encoding: composed.smsSegments?.encoding ?? null,
          delivery_content: deliveryContentOf(composed, token, REDACTED_LANDING_TOKEN),
        });
        pending.set(notification.notificationId, correlationId);
      }
      for (const skipped of request.skipped) {
        rows.push({ ...base, id: randomUUID(), channel: skipped.channel, status: 'skipped', error: skipped.message });
      }
    });
    await this.landingTokens.recordMany(context.manager, tokens);
    await insertRows(context.manager, NOTIFICATIONS_TABLE, rows);
    if (failures.length > 0) await context.publish(failures);
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

const NOTIFICATIONS_TABLE = { schema: 'notification_dispatch', name: 'notifications' };

/** A console row as the table names its columns (written with `insertRows`; the rest take their defaults). */
interface ConsoleRow {
  id: string;
  request_id: string;
  event_id: string;
  type: string;
  config_key: string;
  channel: string;
  direction: 'outbound';
  recipient_name: string;
  recipient_email: string | null;
  recipient_phone: string | null;
  event_start: string;
  status: 'pending' | 'failed' | 'skipped';
  error: string | null;
  subject: string | null;
  body_html: string | null;
  body_text: string | null;
  sms_body: string | null;
  attachments: NotificationAttachment[];
  sms_segments: number | null;
  sms_encoding: string | null;
  delivery_content: DeliveryContent | null;
}
