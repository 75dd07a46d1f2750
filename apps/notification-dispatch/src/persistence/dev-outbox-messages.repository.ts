import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Channel } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { DataSource } from 'typeorm';
import { DevOutboxMessageEntity } from './dev-outbox-message.entity';

/** A message the local delivery sink takes, with the id it is stored under (the "provider's" message id); `outbound` unless said. */
export type NewDevOutboxMessage = Omit<DevOutboxMessageEntity, 'sentAt' | 'direction'> & {
  direction?: DevOutboxMessageEntity['direction'];
};

/** One number's conversation in the phone simulator: its latest SMS. */
export interface PhoneThreadRow {
  phone: string;
  direction: 'outbound' | 'inbound';
  body: string;
  sentAt: Date;
}

/** What the dev outbox is asked for: messages to an address, on a channel. */
export interface DevOutboxFilter {
  to?: string;
  channel?: Channel;
}

/**
 * Every statement about the messages the local delivery sink took (`notification_dispatch.dev_outbox`):
 * storing them, telling whether a notification went out, and the dev outbox's list.
 */
@Injectable()
export class DevOutboxMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores messages with one statement (one commit). */
  async storeMany(messages: NewDevOutboxMessage[]): Promise<void> {
    await insertRows(
      this.dataSource.manager,
      { schema: 'notification_dispatch', name: 'dev_outbox' },
      messages.map((message) => ({
        id: message.id,
        notification_id: message.notificationId,
        channel: message.channel,
        to_address: message.to,
        from_address: message.from,
        subject: message.subject,
        text: message.text,
        html: message.html,
        body: message.body,
        attachments: message.attachments,
        direction: message.direction ?? 'outbound',
      })),
    );
  }

  /** The id of the message stored for a notification; null when the sink never took it. */
  async messageIdFor(notificationId: string): Promise<string | null> {
    const row = await this.dataSource.manager.findOne(DevOutboxMessageEntity, { where: { notificationId }, select: { id: true } });
    return row?.id ?? null;
  }

  /** The latest messages the filter finds, newest first, at most 200 (what the sink sent: not the simulator's replies). */
  latest(filter: DevOutboxFilter): Promise<DevOutboxMessageEntity[]> {
    return this.dataSource.manager.find(DevOutboxMessageEntity, {
      where: { direction: 'outbound', ...(filter.to ? { to: filter.to } : {}), ...(filter.channel ? { channel: filter.channel } : {}) },
      order: { sentAt: 'DESC' },
      take: 200,
    });
  }

  /** The phone simulator's numbers: each with its latest SMS (sent by the sink, or replied), latest first, at most `limit`. */
  async phoneThreads(limit: number): Promise<PhoneThreadRow[]> {
    const rows: { phone: string; direction: 'outbound' | 'inbound'; body: string | null; sent_at: Date }[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT DISTINCT ON (phone) phone, direction, body, sent_at
           FROM (SELECT CASE WHEN direction = 'inbound' THEN from_address ELSE to_address END AS phone, direction, body, sent_at
                   FROM notification_dispatch.dev_outbox WHERE channel = 'sms') sms
          ORDER BY phone, sent_at DESC
       ) latest
       ORDER BY sent_at DESC
       LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ phone: row.phone, direction: row.direction, body: row.body ?? '', sentAt: row.sent_at }));
  }

  /** One number's SMS, both ways, oldest first: the latest `limit`. */
  async phoneThread(phone: string, limit: number): Promise<PhoneThreadRow[]> {
    const rows: { direction: 'outbound' | 'inbound'; body: string | null; sent_at: Date }[] = await this.dataSource.query(
      `SELECT direction, body, sent_at FROM notification_dispatch.dev_outbox
        WHERE channel = 'sms' AND (CASE WHEN direction = 'inbound' THEN from_address ELSE to_address END) = $1
        ORDER BY sent_at DESC, id DESC
        LIMIT $2`,
      [phone, limit],
    );
    return rows.reverse().map((row) => ({ phone, direction: row.direction, body: row.body ?? '', sentAt: row.sent_at }));
  }
}
