import { Injectable } from '@nestjs/common';
import type { DeliveryStatusChangedPayload, ReplyTargetOpenedPayload } from '@appointments/contracts';
import { deliveryStatusFromTwilio, type DeliveryStatus } from '@appointments/domain';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { twilioCallbackKey } from '../delivery-status/twilio/twilio-status-report';
import { ProviderCallbacksRepository } from '../persistence/provider-callbacks.repository';
import { ReplyTargetRow, ReplyTargetsRepository } from '../persistence/reply-targets.repository';

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

/**
 * Keeps inbound-response's copy of the open reply targets current (decisions.md, "Issue 4:
 * inbound-response keeps a copy of the open reply targets"): what an SMS reply answers, read by
 * `ReceiveSmsReply` (`ReplyTargetsRepository.latestOpen`) so that a reply needs no request to
 * notification-dispatch, and is understood while dispatch is down. Kept current from
 * `ReplyTargetOpened` (opened), `NotificationFailed` and the Twilio status callbacks
 * inbound-response records itself (closed); rows expired longer than `KEEP_EXPIRED_MS` are
 * pruned by `InboundRetention`. Its statements are `ReplyTargetsRepository`'s.
 */
@Injectable()
export class ReplyTargets {
  constructor(
    private readonly targets: ReplyTargetsRepository,
    private readonly callbacks: ProviderCallbacksRepository,
  ) {}

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
    return this.targets.add(manager, rows);
  }

  /** Closes the targets of these notifications (reported failed): replies no longer answer them. */
  async close(manager: EntityManager, notificationIds: readonly string[]): Promise<void> {
    const ids = [...new Set(notificationIds.filter((id) => isUUID(id)))];
    if (ids.length === 0) return;
    await this.targets.close(manager, ids);
  }

  /** Of these Twilio MessageSids, those a status callback already reported failed or undelivered. */
  private async reportedFailed(manager: EntityManager, messageSids: string[]): Promise<Set<string>> {
    if (messageSids.length === 0) return new Set();
    const keys = messageSids.flatMap((sid) => CLOSING_TWILIO_STATUSES.map((status) => twilioCallbackKey(sid, status)));
    const reported = await this.callbacks.recordedOfTwilio(manager, keys);
    return new Set(messageSids.filter((sid) => CLOSING_TWILIO_STATUSES.some((status) => reported.has(twilioCallbackKey(sid, status)))));
  }
}
