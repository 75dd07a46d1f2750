import { deliveryStatusFromSendGrid, InvalidInput, type DeliveryStatus } from '@appointments/domain';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DeliveryReport } from '../delivery-report';
import { SendGridEventDto } from './sendgrid-event.dto';

/** Statuses whose reason is worth telling: SendGrid's `response` to a delivery ("250 OK") is not a reason. */
const FAILURES: ReadonlySet<DeliveryStatus> = new Set(['failed', 'bounced']);

export interface SendGridBatch {
  received: number;
  reports: DeliveryReport[];
  /** Events left out, by why: they are answered 204 with the rest (SendGrid would only retry them). */
  skipped: {
    /** Not one of ours: no `notificationId` custom arg (sent from elsewhere, or before it was set). */
    withoutNotificationId: number;
    /** `deferred`, `spamreport`, unknown events...: nothing to say about delivery. */
    withoutStatusChange: number;
    /** An object that is not a SendGrid event (missing `event` or `sg_event_id`, wrong types). */
    malformed: number;
  };
}

/**
 * Reads one POST of SendGrid's event webhook, the body exactly as received: a JSON array of
 * event objects, else InvalidInput (400). Each event of ours that says something about
 * delivery becomes a report keyed on `sg_event_id`; the others are counted and left out.
 */
export function readSendGridBatch(body: unknown, receivedAt: Date): SendGridBatch {
  const events = parseEventArray(body);
  const batch: SendGridBatch = {
    received: events.length,
    reports: [],
    skipped: { withoutNotificationId: 0, withoutStatusChange: 0, malformed: 0 },
  };
  for (const item of events) {
    const event = plainToInstance(SendGridEventDto, item);
    if (validateSync(event).length > 0) {
      batch.skipped.malformed += 1;
      continue;
    }
    if (!event.notificationId) {
      batch.skipped.withoutNotificationId += 1;
      continue;
    }
    const status = deliveryStatusFromSendGrid(event.event);
    if (!status) {
      batch.skipped.withoutStatusChange += 1;
      continue;
    }
    const failed = FAILURES.has(status);
    batch.reports.push({
      callbackKey: event.sg_event_id,
      change: {
        notificationId: event.notificationId,
        provider: 'sendgrid',
        // `sg_message_id` is the X-Message-Id the send returned, a dot, then SendGrid's own suffix.
        providerMessageId: event.sg_message_id?.split('.')[0] || null,
        status,
        providerStatus: event.event,
        errorCode: failed ? (event.status ?? null) : null,
        reason: failed ? (event.reason ?? event.response ?? event.type ?? null) : null,
        occurredAt: (event.timestamp !== undefined ? new Date(event.timestamp * 1000) : receivedAt).toISOString(),
      },
    });
  }
  return batch;
}

function parseEventArray(body: unknown): Record<string, unknown>[] {
  if (!Buffer.isBuffer(body)) throw new InvalidInput('The body must be a JSON array of SendGrid events, sent as application/json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidInput('The body is not valid JSON; it must be a JSON array of SendGrid events');
  }
  if (!Array.isArray(parsed)) throw new InvalidInput('The body must be a JSON array of SendGrid events');
  const notObject = parsed.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
  if (notObject !== -1)
    throw new InvalidInput(`The body must be a JSON array of event objects; item ${notObject} is not an object`, { index: notObject });
  return parsed as Record<string, unknown>[];
}
