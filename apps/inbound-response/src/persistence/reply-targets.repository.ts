import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { LandingTokenView, NotificationConfig } from '@appointments/contracts';
import { insertRows } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';

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
 * Every statement about `inbound_response.reply_targets`, inbound-response's copy of the open
 * reply targets (the rules of the copy are `ReplyTargets`'). The methods given an
 * `EntityManager` run in the caller's transaction.
 */
@Injectable()
export class ReplyTargetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The latest open target of each of these phones that has one (the latest SMS to it with reply
   * codes on, not closed, not expired), by phone.
   */
  async latestOpen(phones: readonly string[]): Promise<Map<string, LandingTokenView>> {
    const rows: StoredReplyTarget[] = await this.dataSource.query(
      `SELECT DISTINCT ON (phone) notification_id, phone, event_id, customer_id, config_key, channel, config, expires_at, created_at
         FROM inbound_response.reply_targets
        WHERE phone = ANY($1::text[]) AND closed_at IS NULL AND expires_at > now()
        ORDER BY phone, created_at DESC, notification_id DESC`,
      [phones],
    );
    return new Map(rows.map((row) => [row.phone, replyTargetView(row)]));
  }

  /** Adds these targets, one statement for all of them (one kept already is left as it is); answers how many were new. */
  async add(manager: EntityManager, rows: readonly ReplyTargetRow[]): Promise<number> {
    const inserted = await insertRows<{ notification_id: string }>(manager, REPLY_TARGETS_TABLE, rows, {
      onConflict: '(notification_id) DO NOTHING',
      returning: ['notification_id'],
    });
    return inserted.length;
  }

  /** Closes the open targets of these notifications (ids that are UUIDs): replies no longer answer them. */
  async close(manager: EntityManager, notificationIds: readonly string[]): Promise<void> {
    await manager.query(
      'UPDATE inbound_response.reply_targets SET closed_at = now() WHERE notification_id = ANY($1::uuid[]) AND closed_at IS NULL',
      [notificationIds],
    );
  }

  /** Deletes the targets expired more than `keepExpiredMs` ago; returns how many. */
  async pruneExpired(keepExpiredMs: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM inbound_response.reply_targets WHERE expires_at < now() - ($1::int * interval '1 millisecond')`,
      [keepExpiredMs],
    );
    return deleted;
  }
}
