import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NotificationConfig } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';

/** A landing token with what its view needs of its notification (`created_at`, `recipient_phone`). */
export interface LandingTokenRow {
  notification_id: string;
  event_id: string;
  customer_id: string;
  channel: Channel;
  config_key: string;
  config: NotificationConfig;
  expires_at: Date;
  created_at: Date;
  recipient_phone: string | null;
}

/** A landing token as it is stored: the hash of the token (the token itself is never stored) and its scope. */
export interface IssuedLandingToken {
  tokenHash: Buffer;
  notificationId: string;
  eventId: string;
  customerId: string;
  channel: Channel;
  config: NotificationConfig;
  expiresAt: Date;
}

const SELECT_TOKEN = `
  SELECT t.notification_id, t.event_id, t.customer_id, t.channel, t.config_key, t.config, t.expires_at,
         n.created_at, n.recipient_phone
    FROM notification_dispatch.landing_tokens t
    JOIN notification_dispatch.notifications n ON n.id = t.notification_id`;

/**
 * What makes a token's notification (`t`, `n`) one that an SMS reply may answer, whatever the
 * phone and the expiry: an outbound SMS with reply codes on, not reported failed, and released
 * (a staged reminder has reached nobody yet). The same for `latestOpenReplyTargets` and `replyTargetsOf`.
 */
const REPLY_TARGET_CONDITIONS = `n.channel = 'sms' AND n.direction = 'outbound'
  AND n.status NOT IN ('failed', 'undelivered', 'bounced', 'skipped', 'staged')
  AND (t.config -> 'replyCodes' ->> 'enabled') = 'true'`;

/**
 * Every statement about landing tokens (`notification_dispatch.landing_tokens`): storing the
 * hashes of issued tokens, and reading a token or an SMS reply target with its notification.
 * A staged reminder's tokens answer nothing until it is released (its notification is `staged`).
 * Withdrawing a staged reminder deletes its tokens with its rows (`NotificationsRepository.withdrawStaged`).
 */
@Injectable()
export class LandingTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores issued tokens, with one statement, in the transaction that logs their notifications. */
  async recordMany(manager: EntityManager, tokens: IssuedLandingToken[]): Promise<void> {
    await insertRows(
      manager,
      { schema: 'notification_dispatch', name: 'landing_tokens' },
      tokens.map((token) => ({
        token_hash: `\\x${token.tokenHash.toString('hex')}`,
        notification_id: token.notificationId,
        event_id: token.eventId,
        customer_id: token.customerId,
        channel: token.channel,
        config_key: token.config.key,
        config: token.config,
        expires_at: token.expiresAt,
      })),
    );
  }

  /** The token with this hash, whatever its expiry; null for one never issued or whose notification is still staged. */
  async findByHash(tokenHash: Buffer): Promise<LandingTokenRow | null> {
    const rows: LandingTokenRow[] = await this.dataSource.query(`${SELECT_TOKEN} WHERE t.token_hash = $1 AND n.status <> 'staged'`, [
      tokenHash,
    ]);
    return rows[0] ?? null;
  }

  /**
   * For each of these numbers that has one, the latest SMS notification to it that a reply may
   * answer (`REPLY_TARGET_CONDITIONS`) and whose token has not expired, with one statement.
   */
  latestOpenReplyTargets(phones: string[]): Promise<LandingTokenRow[]> {
    return this.dataSource.query(
      `SELECT DISTINCT ON (n.recipient_phone) t.notification_id, t.event_id, t.customer_id, t.channel, t.config_key, t.config, t.expires_at,
              n.created_at, n.recipient_phone
         FROM notification_dispatch.landing_tokens t
         JOIN notification_dispatch.notifications n ON n.id = t.notification_id
        WHERE n.recipient_phone = ANY($1::text[]) AND ${REPLY_TARGET_CONDITIONS}
          AND t.expires_at > now()
        ORDER BY n.recipient_phone, n.created_at DESC, n.id DESC`,
      [phones],
    );
  }

  /**
   * The tokens of those of these SMS notifications that a reply may answer (`REPLY_TARGET_CONDITIONS`),
   * whatever the expiry, read in the caller's transaction with one statement (the status it just
   * wrote is seen).
   */
  replyTargetsOf(manager: EntityManager, smsIds: string[]): Promise<LandingTokenRow[]> {
    return manager.query(
      // Driven by the ids (unnest), so that both tables are read by their keys whatever the
      // planner's statistics say: a fresh table's stale statistics once made it scan every
      // outbound notification for each batch.
      `SELECT t.notification_id, t.event_id, t.customer_id, t.channel, t.config_key, t.config, t.expires_at, n.created_at, n.recipient_phone
         FROM unnest($1::uuid[]) AS sent(id)
         JOIN notification_dispatch.landing_tokens t ON t.notification_id = sent.id
         JOIN notification_dispatch.notifications n ON n.id = sent.id
        WHERE ${REPLY_TARGET_CONDITIONS}`,
      [smsIds],
    );
  }
}
