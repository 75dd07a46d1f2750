import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Channel } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { DataSource } from 'typeorm';
import { DevOutboxMessageEntity } from './dev-outbox-message.entity';

/** A message the local delivery sink takes, with the id it is stored under (the "provider's" message id). */
export type NewDevOutboxMessage = Omit<DevOutboxMessageEntity, 'sentAt'>;

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
      })),
    );
  }

  /** The id of the message stored for a notification; null when the sink never took it. */
  async messageIdFor(notificationId: string): Promise<string | null> {
    const row = await this.dataSource.manager.findOne(DevOutboxMessageEntity, { where: { notificationId }, select: { id: true } });
    return row?.id ?? null;
  }

  /** The latest messages the filter finds, newest first, at most 200. */
  latest(filter: DevOutboxFilter): Promise<DevOutboxMessageEntity[]> {
    return this.dataSource.manager.find(DevOutboxMessageEntity, {
      where: { ...(filter.to ? { to: filter.to } : {}), ...(filter.channel ? { channel: filter.channel } : {}) },
      order: { sentAt: 'DESC' },
      take: 200,
    });
  }
}
