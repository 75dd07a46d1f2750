import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  DISPATCH_REQUEST,
  DOMAIN_EVENT,
  NotificationFailedPayload,
  NotificationRequestedPayload,
  RenderedNotificationPreview,
} from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES, NewDomainEvent } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { outboundNotification } from '../conversations/outbound-entries';
import { NotificationDelivery } from '../delivery/notification-delivery';
import { stagedUntil } from '../delivery/staged-reminders';
import { LandingTokens, LandingTokenScope, REDACTED_LANDING_TOKEN } from '../landing/landing-tokens';
import { ConversationsRepository, OutboundNotification } from '../persistence/conversations.repository';
import { NotificationsRepository } from '../persistence/notifications.repository';
import { ConsoleRow, requestRow, skippedRows } from './console-rows';
import { ComposedNotification, composeNotification, deliveryContentOf, redacted } from './notification-content';

/**
 * Sends asked for by scheduling, taken in batches (whatever arrived together). For each
 * channel of each request: a landing token when the config has buttons or reply codes
 * (only its hash is stored), the message composed, and the console row logged as
 * `pending` with the token redacted, the exact message held for the provider. Skipped
 * channels are logged as `skipped` with why; a message that cannot be rendered is logged
 * as `failed`. The tokens and the console rows of the whole batch are written with one
 * statement each. Delivery starts once that has committed. A request with a dedupe key (a
 * reminder) sends nothing on a channel where that key was already sent: logged, not retried.
 *
 * A staged reminder (`sendAt` later than now, see `stagedUntil`) is prepared the same way but
 * its rows are `staged` until its due time: not delivered, not in the console, and its skipped
 * channels not logged yet. `StagedReminderRelease` releases it at `sendAt`. Its dedupe key is
 * taken now, so a second staging of the same reminder is refused like a second send.
 */
@Controller()
export class NotificationRequestedController {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly delivery: NotificationDelivery,
    private readonly landingTokens: LandingTokens,
    private readonly conversations: ConversationsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(DOMAIN_EVENT.NotificationRequested, HANDLES_BATCHES)
  async onRequested(@Payload() requests: NotificationRequestedPayload[], @Ctx() context: DomainEventBatchContext) {
    const now = Date.now();
    const planned = requests.map((request, index) => this.compose(request, context.correlationIds[index], now));
    // Skipped channels of a request without a dedupe key are logged with the sends, in the same statement.
    const logged = await this.notifications.logRequested(
      context.manager,
      planned.flatMap((request) => [...request.sends, ...(request.payload.dedupeKey ? [] : request.skipped.map((row) => ({ row })))]),
    );

    const skipped: ConsoleRow[] = [];
    const tokens: { token: string; scope: LandingTokenScope }[] = [];
    const failures: NewDomainEvent[] = [];
    const pending = new Map<string, string | undefined>();
    const sms: OutboundNotification[] = [];
    for (const request of planned) {
      const kept = request.sends.filter((send) => logged.has(send.row.id));
      if (kept.length < request.sends.length) {
        this.logger.warn(
          {
            requestId: request.payload.requestId,
            dedupeKey: request.payload.dedupeKey,
            eventId: request.payload.event.id,
            type: request.payload.type,
            channels: request.sends.filter((send) => !logged.has(send.row.id)).map((send) => send.row.channel),
          },
          'notification already sent for this dedupe key; not sent again',
        );
      }
      // A keyed request refused whole is a repeat: its skipped channels were logged the first time.
      // A staged one logs them when it is released.
      const staged = kept.some((send) => send.row.status === 'staged');
      if (request.payload.dedupeKey && !staged && (kept.length > 0 || request.sends.length === 0)) skipped.push(...request.skipped);
      for (const send of kept) {
        // Every SMS sent (now, not staged) is a message of its number's conversation: its console row.
        const outbound = outboundNotification(send.row, request.payload.recipient, now);
        if (outbound) sms.push(outbound);
        if (send.token) tokens.push(send.token);
        if (send.failure) failures.push(send.failure);
        else if (send.row.status === 'pending') pending.set(send.row.id, request.correlationId);
      }
    }
    await this.notifications.logSkipped(context.manager, skipped);
    await this.landingTokens.recordMany(context.manager, tokens);
    await this.conversations.noteOutbound(context.manager, sms);
    if (failures.length > 0) await context.publish(failures);
    context.afterCommit(() => this.delivery.deliverNow(pending));
  }

  /**
   * One request's console rows: per channel a landing token (when the config has buttons or
   * reply codes) and the message composed, or the render failure; the skipped channels apart.
   * A staged reminder's composed rows are `staged` until `sendAt`. Nothing is written here.
   */
  private compose(request: NotificationRequestedPayload, correlationId: string | undefined, now: number): ComposedRequest {
    const base = requestRow({
      request_id: request.requestId,
      event_id: request.event.id,
      type: request.type,
      config_key: request.configKey,
      recipient_name: request.recipient.name,
      recipient_email: request.recipient.email,
      recipient_phone: request.recipient.phone,
      event_start: request.event.start,
      reminder: request.reminder ?? null,
    });
    const sendAt = stagedUntil(request, now);
    const sends: ComposedSend[] = [];
    const withLanding = LandingTokens.needed(request.config);
    const dedupeKey = request.dedupeKey || null;
    for (const notification of request.notifications) {
      const token = withLanding ? this.landingTokens.generate() : null;
      let composed: ComposedNotification;
      try {
        composed = composeNotification(request, notification.channel, token ? this.landingTokens.landingUrl(token) : null);
      } catch (error) {
        const reason = `could not render the ${notification.channel}: ${error instanceof Error ? error.message : String(error)}`;
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
        sends.push({
          row: {
            ...base,
            id: notification.notificationId,
            channel: notification.channel,
            status: 'failed',
            error: reason,
            dedupe_key: dedupeKey,
          },
          failure: { type: DOMAIN_EVENT.NotificationFailed, eventId: request.event.id, payload: failed, correlationId },
        });
        continue;
      }
      const shown = redacted(composed, token, REDACTED_LANDING_TOKEN);
      sends.push({
        row: {
          ...base,
          id: notification.notificationId,
          channel: notification.channel,
          recipient_email: notification.channel === 'email' ? notification.address : request.recipient.email,
          recipient_phone: notification.channel === 'sms' ? notification.address : request.recipient.phone,
          status: sendAt ? 'staged' : 'pending',
          subject: shown.subject,
          body_html: shown.html,
          body_text: shown.text,
          sms_body: shown.smsBody,
          attachments: shown.attachments,
          sms_segments: composed.smsSegments?.segments ?? null,
          sms_encoding: composed.smsSegments?.encoding ?? null,
          delivery_content: deliveryContentOf(composed, token, REDACTED_LANDING_TOKEN),
          dedupe_key: dedupeKey,
        },
        sendAt: sendAt ?? undefined,
        token: token
          ? {
              token,
              scope: {
                notificationId: notification.notificationId,
                eventId: request.event.id,
                customerId: request.recipient.customerId,
                channel: notification.channel,
                config: request.config,
                eventEnd: new Date(request.event.end),
              },
            }
          : undefined,
      });
    }
    return { payload: request, correlationId, sends, skipped: skippedRows(base, request.skipped) };
  }

  /** The preview of a send: composed exactly as it would go out, the landing token redacted; nothing stored. */
  @MessagePattern(DISPATCH_REQUEST.renderPreview)
  renderPreview(@Payload() request: NotificationRequestedPayload): RenderedNotificationPreview {
    const landingUrl = LandingTokens.needed(request.config) ? this.landingTokens.landingUrl(REDACTED_LANDING_TOKEN) : null;
    const preview: RenderedNotificationPreview = { subject: null, html: null, text: null, attachments: [], sms: null, smsSegments: null };
    for (const { channel } of request.notifications) {
      const composed = composeNotification(request, channel, landingUrl);
      if (channel === 'email')
        Object.assign(preview, { subject: composed.subject, html: composed.html, text: composed.text, attachments: composed.attachments });
      else Object.assign(preview, { sms: composed.smsBody, smsSegments: composed.smsSegments });
    }
    return preview;
  }
}

/** One channel of a request, composed: its console row, and its landing token or its render failure. */
interface ComposedSend {
  row: ConsoleRow;
  /** A staged reminder's send: when it is released. */
  sendAt?: string;
  token?: { token: string; scope: LandingTokenScope };
  failure?: NewDomainEvent;
}

interface ComposedRequest {
  payload: NotificationRequestedPayload;
  correlationId: string | undefined;
  sends: ComposedSend[];
  skipped: ConsoleRow[];
}
