import { Injectable } from '@nestjs/common';
import type { ResponseChannel } from '@appointments/contracts';
import type { ResponseType } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';

/** What an inbound row copies from the outbound notification it answers. */
export interface AnsweredNotification {
  id: string;
  event_id: string | null;
  type: string;
  config_key: string | null;
  recipient_name: string;
  recipient_email: string | null;
  recipient_phone: string | null;
  event_start: Date | null;
}

/** An inbound console row: a customer's response or an inbound SMS, and the notification it answers. */
export interface InboundRow {
  /** The response id or the inbound message id. */
  id: string;
  answered: AnsweredNotification;
  channel: ResponseChannel;
  responseType: ResponseType | null;
  reason: string | null;
  smsBody: string | null;
  providerMessageId: string | null;
  at: Date;
  phone: string | null;
}

/**
 * Every statement about the console's inbound rows (`notification_dispatch.notifications`,
 * `direction` inbound): a customer's response or an SMS that is not a code, and the outbound
 * notifications they answer. Both run in the consumer's transaction.
 */
@Injectable()
export class InboundMessagesRepository {
  /** The outbound notifications with these ids (ids that are not UUIDs name none; nor do staged reminders, not sent yet). */
  async answeredNotifications(manager: EntityManager, ids: string[]): Promise<Map<string, AnsweredNotification>> {
    const wanted = [...new Set(ids.filter((id) => isUUID(id)))];
    if (wanted.length === 0) return new Map();
    const found: AnsweredNotification[] = await manager.query(
      `SELECT id, event_id, type, config_key, recipient_name, recipient_email, recipient_phone, event_start
         FROM notification_dispatch.notifications WHERE id = ANY($1::uuid[]) AND status <> 'staged'`,
      [wanted],
    );
    return new Map(found.map((notification) => [notification.id, notification]));
  }

  /**
   * Logs the inbound rows whose ids are not there already, in one statement; answers the ids it
   * inserted. An inbound row's `status` is `delivered`: it reached us.
   */
  async logMany(manager: EntityManager, rows: InboundRow[]): Promise<Set<string>> {
    const inserted = await insertRows<{ id: string }>(
      manager,
      { schema: 'notification_dispatch', name: 'notifications' },
      rows.map(({ answered, ...row }) => ({
        id: row.id,
        event_id: answered.event_id,
        type: answered.type,
        config_key: answered.config_key,
        // The column is text: an inbound row's channel is the response channel (sms_reply, email_link...).
        channel: row.channel,
        direction: 'inbound',
        recipient_name: answered.recipient_name,
        recipient_email: answered.recipient_email,
        recipient_phone: row.phone ?? answered.recipient_phone,
        sms_body: row.smsBody,
        status: 'delivered',
        provider: row.providerMessageId ? 'twilio' : null,
        provider_message_id: row.providerMessageId,
        status_changed_at: row.at,
        response_type: row.responseType,
        reason: row.reason,
        answers_notification_id: answered.id,
        event_start: answered.event_start,
        sent_at: row.at,
      })),
      { skipConflicts: true, returning: ['id'] },
    );
    return new Set(inserted.map((row) => row.id));
  }
}
