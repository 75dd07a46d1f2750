/**
 * A notification's delivery status and how providers' reports move it.
 *
 * Providers report out of order and more than once (a late Twilio `sent` after `delivered`,
 * a SendGrid `processed` after `open`), so the status only ever moves forward:
 *
 *     pending  →  sent  →  delivered | undelivered | failed | bounced
 *     pending  →  skipped                                   (nothing was sent)
 *
 * Statuses of the last rank are final: once there, nothing moves them, not even another
 * final status. A message that arrived cannot later "bounce" (SendGrid reports `bounce`
 * instead of `delivered` for a message, never after it), and a report that contradicts a
 * final status is a provider's late or duplicate word, not news.
 */
import type { DeliveryStatus } from './vocabulary';

const RANK: Record<DeliveryStatus, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  undelivered: 2,
  failed: 2,
  bounced: 2,
  skipped: 2,
};

/**
 * The status after a provider's report: `incoming` when it moves the status forward, null
 * when the report must be ignored (same status, an earlier stage, or the status is final).
 */
export function advanceDeliveryStatus(current: DeliveryStatus, incoming: DeliveryStatus): DeliveryStatus | null {
  return RANK[incoming] > RANK[current] ? incoming : null;
}

/**
 * Twilio's `MessageStatus` values (status callback) and what each means for us. The stages
 * before `sent` (and the statuses of inbound messages) say nothing a pending notification
 * does not already say: they map to null and are not reported.
 */
const FROM_TWILIO = new Map<string, DeliveryStatus | null>([
  ['accepted', null],
  ['scheduled', null],
  ['queued', null],
  ['sending', null],
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['read', 'delivered'],
  ['undelivered', 'undelivered'],
  ['failed', 'failed'],
  ['canceled', 'failed'],
  ['receiving', null],
  ['received', null],
]);

/** Our status for a Twilio `MessageStatus`; null for a stage that changes nothing or a status we do not know. */
export function deliveryStatusFromTwilio(messageStatus: string): DeliveryStatus | null {
  return FROM_TWILIO.get(messageStatus) ?? null;
}

/**
 * SendGrid's event webhook `event` values and what each means for us. `deferred` means
 * SendGrid is still trying; `open` and `click` prove the message arrived; the engagement
 * events about the recipient's subscription say nothing about this message's delivery.
 * Both bounce types (`bounce` and `blocked`) are bounces: SendGrid gives up on the message.
 */
const FROM_SENDGRID = new Map<string, DeliveryStatus | null>([
  ['processed', 'sent'],
  ['deferred', null],
  ['delivered', 'delivered'],
  ['open', 'delivered'],
  ['click', 'delivered'],
  ['bounce', 'bounced'],
  ['dropped', 'failed'],
  ['spamreport', null],
  ['unsubscribe', null],
  ['group_unsubscribe', null],
  ['group_resubscribe', null],
]);

/** Our status for a SendGrid webhook `event`; null for an event that changes nothing or one we do not know. */
export function deliveryStatusFromSendGrid(event: string): DeliveryStatus | null {
  return FROM_SENDGRID.get(event) ?? null;
}
