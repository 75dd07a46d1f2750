import type { NotificationRequestedPayload, ReminderSendRef } from '@appointments/contracts';
import { randomUUID } from 'node:crypto';
import type { DeliveryContent, NotificationAttachment } from '../persistence/notification.entity';

/** A console row as the table names its columns (written by `NotificationsRepository`; the rest take their defaults). */
export interface ConsoleRow {
  id: string;
  request_id: string;
  /** Null for a message without an event (a staff message in a conversation). */
  event_id: string | null;
  type: string;
  config_key: string | null;
  channel: string;
  direction: 'outbound';
  recipient_name: string;
  recipient_email: string | null;
  recipient_phone: string | null;
  event_start: string | null;
  status: 'pending' | 'failed' | 'skipped' | 'staged';
  error: string | null;
  subject: string | null;
  body_html: string | null;
  body_text: string | null;
  sms_body: string | null;
  attachments: NotificationAttachment[];
  sms_segments: number | null;
  sms_encoding: string | null;
  delivery_content: DeliveryContent | null;
  /** The request's dedupe key on the rows of its sends (not on skipped rows: a skip sends nothing). */
  dedupe_key: string | null;
  /** The request's `reminder`, on each of its rows. */
  reminder: ReminderSendRef | null;
}

/** What every console row of one request shares, its sends' and its skipped channels'. */
export type RequestFields = Pick<
  ConsoleRow,
  'request_id' | 'event_id' | 'type' | 'config_key' | 'recipient_name' | 'recipient_email' | 'recipient_phone' | 'event_start' | 'reminder'
>;

export type SkippedChannel = NotificationRequestedPayload['skipped'][number];

/** A request's row before its channel and content are filled in. */
export function requestRow(fields: RequestFields): ConsoleRow {
  return {
    id: '',
    ...fields,
    channel: 'email',
    direction: 'outbound',
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
    dedupe_key: null,
  };
}

/** A request's skipped channels as console rows, with why. */
export function skippedRows(base: ConsoleRow, skipped: readonly SkippedChannel[]): ConsoleRow[] {
  return skipped.map((skip) => ({
    ...base,
    id: randomUUID(),
    channel: skip.channel,
    status: 'skipped',
    error: skip.message,
    dedupe_key: null,
  }));
}
