import { Injectable } from '@nestjs/common';
import type { DeliveryStatusChangedPayload, LandingTokenView, NotificationConfig, ReplyTargetOpenedPayload } from '@appointments/contracts';
import { deliveryStatusFromTwilio, type DeliveryStatus } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { twilioCallbackKey } from '../delivery-status/twilio/twilio-status-report';

/**
 * Delivery statuses after which an SMS can no longer be answered: the ones
 * notification-dispatch's own lookup (`latestOpenReplyTargets`) leaves out.
 */
export const CLOSING_DELIVERY_STATUSES: ReadonlySet<DeliveryStatus> = new Set<DeliveryStatus>([
  'failed',
  'undelivered',
  'bounced',
  'skipped',
]);

/**
 * Whether a provider's report closes the reply target of the notification it names: a closing
 * status reported by Twilio, the SMS provider. Reply targets are SMS; an email provider's
 * report naming one (a forged or mistaken `notificationId` custom arg) closes nothing.
 */
export function closesReplyTarget(
  change: DeliveryStatusChangedPayload,
): change is DeliveryStatusChangedPayload & { notificationId: string } {
  return change.provider === 'twilio' && change.notificationId !== null && CLOSING_DELIVERY_STATUSES.has(change.status);
}

/** Twilio's words for a message that will never arrive (the statuses that map to a closing one). */
export const CLOSING_TWILIO_STATUSES: readonly string[] = ['failed', 'undelivered', 'canceled'].filter((status) => {
  const ours = deliveryStatusFromTwilio(status);
  return ours !== null && CLOSING_DELIVERY_STATUSES.has(ours);
});

/**
 * Rows expired longer than this are deleted. An expired row answers no reply already; the day
 * keeps it visible for a while to whoever asks why a late reply found no notification.
 */
export const KEEP_EXPIRED_MS = 24 * 60 * 60_000;

const REPLY_TARGETS_TABLE = { schema: 'inbound_response', name: 'reply_targets' };

/** A row of `inbound_response.reply_targets`, as inserted. */
export interface ReplyTargetRow {
  notification_id: string;
  phone: string;
  event_id: string;
  customer_id: string;
  config_key: string;
  channel: string;
  config: NotificationConfig;
  expires_at: string;
  created_at: string;
  closed_at: string | null;
}

/** A row as read back (the driver gives timestamps as `Date`s). */
interface StoredReplyTarget {
  notification_id: string;
  phone: string;
  event_id: string;
  customer_id: string;
  config_key: string;
  channel: string | null;
  config: NotificationConfig;
  expires_at: Date;
  created_at: Date;
}

/**
 * The row a `ReplyTargetOpened` is kept as, or null when its target cannot be kept: the
 * payload comes from another service, and one malformed target must not fail the batch it
 * arrived in.
 */
export function replyTargetRow(opened: ReplyTargetOpenedPayload): ReplyTargetRow | null {
  const target = opened?.target;
  if (!target || typeof target !== 'object') return null;
  const { notificationId, eventId, customerId, phone, configKey, config } = target;
  if (![notificationId, eventId, customerId].every((id) => typeof id === 'string' && isUUID(id))) return null;
  if (typeof phone !== 'string' || phone === '' || typeof configKey !== 'string' || typeof config !== 'object' || config === null)
    return null;
  const expiresAt = instant(target.expiresAt);
  const createdAt = instant(target.createdAt);
  if (!expiresAt || !createdAt) return null;
  return {
    notification_id: notificationId,
    phone,
    event_id: eventId,
    customer_id: customerId,
    config_key: configKey,
    channel: target.channel ?? 'sms',
    config,
    expires_at: expiresAt,
    created_at: createdAt,
    closed_at: null,
  };
}

function instant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** A stored row as the lookup answers it: the same view notification-dispatch's `latestOpenReplyTargets` gives. */
function replyTargetView(row: StoredReplyTarget): LandingTokenView {
  return {
    notificationId: row.notification_id,
    eventId: row.event_id,
    customerId: row.customer_id,
    channel: (row.channel ?? 'sms') as LandingTokenView['channel'],
    configKey: row.config_key,
    config: row.config,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    phone: row.phone,
  };
}

/**
 * inbound-response's copy of the open reply targets (decisions.md, "Issue 4: inbound-response
 * keeps a copy of the open reply targets"): what an SMS reply answers, looked up locally so
 * that a reply needs no request to notification-dispatch, and is understood while dispatch
 * is down. Kept current from `ReplyTargetOpened` (opened), `NotificationFailed` and the
 * Twilio status callbacks inbound-response records itself (closed); expired rows are pruned.
 */
@Injectable()
export class ReplyTargets {
  /**
   * The latest open target of each phone that has one: the latest SMS to it with reply codes
   * on, not closed, not expired. A phone missing from the answer has no local target (its
   * notifications may predate the copy, or be too recent to have reached it yet).
   */
  async latestOpen(manager: EntityManager | DataSource, phones: readonly string[]): Promise<Map<string, LandingTokenView>> {
    const asked = [...new Set(phones.filter((phone) => phone !== ''))];
    if (asked.length === 0) return new Map();
    const rows: StoredReplyTarget[] = await manager.query(
      `SELECT DISTINCT ON (phone) notification_id, phone, event_id, customer_id, config_key, channel, config, expires_at, created_at
         FROM inbound_response.reply_targets
        WHERE phone = ANY($1::text[]) AND closed_at IS NULL AND expires_at > now()
        ORDER BY phone, created_at DESC, notification_id DESC`,
      [asked],
    );
    return new Map(rows.map((row) => [row.phone, replyTargetView(row)]));
  }

  /**
   * Keeps these opened targets (a redelivered one is kept once). One whose SMS Twilio has
   * already reported failed (its status callback can beat the event here) is kept closed.
   * Returns how many were new.
   */
  async keep(manager: EntityManager, opened: readonly ReplyTargetOpenedPayload[]): Promise<number> {
    const kept = opened.flatMap((payload) => {
      const row = replyTargetRow(payload);
      return row ? [{ row, providerMessageId: payload.providerMessageId }] : [];
    });
    if (kept.length === 0) return 0;
    const failed = await this.reportedFailed(
      manager,
      kept.flatMap(({ providerMessageId }) => (providerMessageId ? [providerMessageId] : [])),
    );
    const rows = kept.map(({ row, providerMessageId }) =>
      providerMessageId && failed.has(providerMessageId) ? { ...row, closed_at: new Date().toISOString() } : row,
    );
    const inserted = await insertRows<{ notification_id: string }>(manager, REPLY_TARGETS_TABLE, rows, {
      onConflict: '(notification_id) DO NOTHING',
      returning: ['notification_id'],
    });
    return inserted.length;
  }

  /** Closes the targets of these notifications (reported failed): replies no longer answer them. */
  async close(manager: EntityManager, notificationIds: readonly string[]): Promise<void> {
    const ids = [...new Set(notificationIds.filter((id) => isUUID(id)))];
    if (ids.length === 0) return;
    await manager.query(
      'UPDATE inbound_response.reply_targets SET closed_at = now() WHERE notification_id = ANY($1::uuid[]) AND closed_at IS NULL',
      [ids],
    );
  }

  /** Deletes the targets expired more than `KEEP_EXPIRED_MS` ago; returns how many (`InboundRetention`, hourly). */
  async prune(manager: EntityManager | DataSource): Promise<number> {
    const [, deleted]: [unknown, number] = await manager.query(
      `DELETE FROM inbound_response.reply_targets WHERE expires_at < now() - ($1::int * interval '1 millisecond')`,
      [KEEP_EXPIRED_MS],
    );
    return deleted;
  }

  /** Of these Twilio MessageSids, those a status callback already reported failed or undelivered. */
  private async reportedFailed(manager: EntityManager, messageSids: string[]): Promise<Set<string>> {
    if (messageSids.length === 0) return new Set();
    const keys = messageSids.flatMap((sid) => CLOSING_TWILIO_STATUSES.map((status) => twilioCallbackKey(sid, status)));
    const rows: { callback_key: string }[] = await manager.query(
      `SELECT callback_key FROM inbound_response.provider_callbacks WHERE provider = 'twilio' AND callback_key = ANY($1::text[])`,
      [keys],
    );
    const reported = new Set(rows.map((row) => row.callback_key));
    return new Set(messageSids.filter((sid) => CLOSING_TWILIO_STATUSES.some((status) => reported.has(twilioCallbackKey(sid, status)))));
  }
}
