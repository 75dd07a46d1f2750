import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  STAFF_MESSAGE_TYPE,
  type ConversationCustomer,
  type ConversationDirection,
  type ConversationSource,
} from '@appointments/contracts';
import { containsPattern, insertRows } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { sourceOfNotificationType, type ConversationCursor, type MessageCursor } from '../conversations/conversation-rules';

const MESSAGES = 'notification_dispatch.conversation_messages';
const CONVERSATIONS = 'notification_dispatch.conversations';
const READS = 'notification_dispatch.conversation_reads';
const NOTIFICATIONS = 'notification_dispatch.notifications';

/**
 * The console rows that are outbound SMS of a conversation by themselves (`n`): every outbound
 * SMS but a staff message (kept in `conversation_messages` with its author), once it leaves
 * (not staged, not skipped). `notifications_sms_recipient (recipient_phone, created_at DESC)`
 * serves it; a released reminder's `created_at` is its release time.
 */
const OUTBOUND_SMS = `n.channel = 'sms' AND n.direction = 'outbound' AND n.status NOT IN ('staged', 'skipped') AND n.type <> '${STAFF_MESSAGE_TYPE}'`;

/**
 * How old a number's summary may be before an outbound notification moves it (see `noteOutbound`):
 * the inbox orders a conversation whose latest messages are notifications by the first of those
 * sent within this time (it shows the latest, read from the console).
 */
export const OUTBOUND_SUMMARY_LAG_MS = 1_000;

/** An SMS to add to its number's conversation. */
export interface NewConversationMessage {
  /** The notification's id for an outbound notification (its status is the console row's), else its own. */
  id: string;
  phone: string;
  direction: ConversationDirection;
  source: ConversationSource;
  body: string;
  at: Date;
  /** The status when written: `delivered` for an inbound SMS, `sent` for a TwiML answer, the console row's for a notification. */
  status: string;
  notificationId: string | null;
  staffId: string | null;
  /**
   * The customer the number belongs to: a customer (a notification's recipient, a lookup's
   * answer), null when a lookup found none, undefined when this message does not tell.
   */
  customer?: ConversationCustomer | null;
}

/** An outbound notification SMS (its console row is its message), for its number's summary. */
export interface OutboundNotification {
  id: string;
  phone: string;
  body: string;
  at: Date;
  /** The notification's recipient, when it names one. */
  customer?: ConversationCustomer;
}

/** A conversation's row as the inbox reads it, with this staff member's unread count. */
export interface ConversationRow {
  phone: string;
  customerId: string | null;
  customerName: string | null;
  lastDirection: ConversationDirection;
  lastBody: string;
  lastAt: Date;
  /** Where the inbox's order has it (the summary's time; `lastAt` may be a later notification). */
  sortAt: Date;
  unread: number;
  hasUnread: boolean;
}

export interface ConversationMessageRow {
  id: string;
  direction: ConversationDirection;
  source: ConversationSource;
  body: string;
  at: Date;
  status: string;
  staffId: string | null;
}

export interface RecentInboundRow {
  phone: string;
  body: string;
  at: Date;
  customerId: string | null;
  customerName: string | null;
}

/** What the store knows of a number's customer. */
export interface KnownCustomer {
  customer: ConversationCustomer | null;
  checkedAt: Date | null;
}

export interface ConversationFilter {
  staffId: string;
  search: { name: string } | { digits: string } | null;
  unreadOnly: boolean;
  after: ConversationCursor | null;
  limit: number;
}

/** "This staff member has not read it": an inbound SMS after their read marker (`c` the conversation, `r` the marker). */
const HAS_UNREAD = `COALESCE(c.last_inbound_at > COALESCE(r.read_at, '-infinity'::timestamptz), false)`;

/**
 * Every statement about the SMS conversations (`conversation_messages`, the per-number summary
 * `conversations`, the per-staff read markers `conversation_reads`; docs/conversations.md).
 * Messages are added in the caller's transaction together with their summaries, one statement
 * each for a whole batch. An outbound notification SMS is not copied: its console row is its
 * message (`OUTBOUND_SMS`), and it moves its number's summary only now and then (`noteOutbound`).
 * The inbox reads summaries, and for the page's numbers the latest notification.
 */
@Injectable()
export class ConversationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds the messages whose ids are not there yet, and moves each number's summary to its latest
   * message (never back: a message older than the summary's last leaves it), in two statements;
   * answers the ids added. Numbers are written in order, so two batches never deadlock.
   */
  async addMessages(manager: EntityManager, messages: readonly NewConversationMessage[]): Promise<Set<string>> {
    if (messages.length === 0) return new Set();
    const inserted = await insertRows<{ id: string }>(
      manager,
      { schema: 'notification_dispatch', name: 'conversation_messages' },
      messages.map((message) => ({
        id: message.id,
        phone: message.phone,
        direction: message.direction,
        source: message.source,
        body: message.body,
        at: message.at.toISOString(),
        status: message.status,
        notification_id: message.notificationId,
        staff_id: message.staffId,
      })),
      { onConflict: '(id) DO NOTHING', returning: ['id'] },
    );
    const added = new Set(inserted.map((row) => row.id));
    const summaries = summariesOf(messages.filter((message) => added.has(message.id)));
    if (summaries.length === 0) return added;
    await manager.query(
      `INSERT INTO ${CONVERSATIONS} AS c (phone, customer_id, customer_name, customer_checked_at, last_message_id, last_direction, last_body, last_at, last_inbound_at)
       SELECT s.phone, s.customer_id, s.customer_name, CASE WHEN s.customer_known THEN now() END, s.last_message_id, s.last_direction, s.last_body, s.last_at, s.last_inbound_at
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::boolean[], $5::uuid[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])
           AS s(phone, customer_id, customer_name, customer_known, last_message_id, last_direction, last_body, last_at, last_inbound_at)
        ORDER BY s.phone
       ON CONFLICT (phone) DO UPDATE SET
         customer_id = CASE WHEN EXCLUDED.customer_checked_at IS NOT NULL THEN EXCLUDED.customer_id ELSE c.customer_id END,
         customer_name = CASE WHEN EXCLUDED.customer_checked_at IS NOT NULL THEN EXCLUDED.customer_name ELSE c.customer_name END,
         customer_checked_at = COALESCE(EXCLUDED.customer_checked_at, c.customer_checked_at),
         last_message_id = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_message_id) >= (c.last_at, c.last_message_id) THEN EXCLUDED.last_message_id ELSE c.last_message_id END,
         last_direction = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_message_id) >= (c.last_at, c.last_message_id) THEN EXCLUDED.last_direction ELSE c.last_direction END,
         last_body = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_message_id) >= (c.last_at, c.last_message_id) THEN EXCLUDED.last_body ELSE c.last_body END,
         last_at = GREATEST(EXCLUDED.last_at, c.last_at),
         last_inbound_at = GREATEST(EXCLUDED.last_inbound_at, c.last_inbound_at)`,
      [
        summaries.map((s) => s.phone),
        summaries.map((s) => s.customer?.id ?? null),
        summaries.map((s) => s.customer?.name ?? null),
        summaries.map((s) => s.customer !== undefined),
        summaries.map((s) => s.last.id),
        summaries.map((s) => s.last.direction),
        summaries.map((s) => s.last.body),
        summaries.map((s) => s.last.at.toISOString()),
        summaries.map((s) => s.lastInboundAt?.toISOString() ?? null),
      ],
    );
    return added;
  }

  /**
   * Outbound notification SMS, whose console rows are their messages: each number gets a summary
   * if it has none, and an existing summary moves to the number's latest notification only when
   * it is older than `OUTBOUND_SUMMARY_LAG_MS` or names another customer than the notification's
   * recipient; otherwise nothing is written or locked (a summary locked by another batch is
   * skipped, not waited for). One statement for the batch; the inbox shows the latest
   * notification from the console either way.
   */
  async noteOutbound(manager: EntityManager, notifications: readonly OutboundNotification[]): Promise<void> {
    const latest = latestOutboundPerPhone(notifications);
    if (latest.length === 0) return;
    await manager.query(
      `WITH s AS (
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::uuid[], $6::text[])
           AS s(phone, last_message_id, last_body, last_at, customer_id, customer_name)
       ), due AS (
         SELECT c.phone FROM ${CONVERSATIONS} c JOIN s ON s.phone = c.phone
          WHERE c.last_at < s.last_at - $7::int * interval '1 millisecond'
             OR (s.customer_id IS NOT NULL AND (c.customer_id IS DISTINCT FROM s.customer_id OR c.customer_name IS DISTINCT FROM s.customer_name))
          ORDER BY c.phone
          FOR UPDATE OF c SKIP LOCKED
       ), moved AS (
         UPDATE ${CONVERSATIONS} c SET
           customer_id = COALESCE(s.customer_id, c.customer_id),
           customer_name = CASE WHEN s.customer_id IS NOT NULL THEN s.customer_name ELSE c.customer_name END,
           customer_checked_at = CASE WHEN s.customer_id IS NOT NULL THEN now() ELSE c.customer_checked_at END,
           last_message_id = CASE WHEN (s.last_at, s.last_message_id) >= (c.last_at, c.last_message_id) THEN s.last_message_id ELSE c.last_message_id END,
           last_direction = CASE WHEN (s.last_at, s.last_message_id) >= (c.last_at, c.last_message_id) THEN 'outbound' ELSE c.last_direction END,
           last_body = CASE WHEN (s.last_at, s.last_message_id) >= (c.last_at, c.last_message_id) THEN s.last_body ELSE c.last_body END,
           last_at = GREATEST(s.last_at, c.last_at)
          FROM s WHERE c.phone = s.phone AND c.phone IN (SELECT phone FROM due)
       )
       INSERT INTO ${CONVERSATIONS} (phone, customer_id, customer_name, customer_checked_at, last_message_id, last_direction, last_body, last_at)
       SELECT s.phone, s.customer_id, s.customer_name, CASE WHEN s.customer_id IS NOT NULL THEN now() END, s.last_message_id, 'outbound', s.last_body, s.last_at
         FROM s WHERE NOT EXISTS (SELECT 1 FROM ${CONVERSATIONS} c WHERE c.phone = s.phone)
        ORDER BY s.phone
       ON CONFLICT (phone) DO NOTHING`,
      [
        latest.map((n) => n.phone),
        latest.map((n) => n.id),
        latest.map((n) => n.body),
        latest.map((n) => n.at.toISOString()),
        latest.map((n) => n.customer?.id ?? null),
        latest.map((n) => n.customer?.name ?? null),
        OUTBOUND_SUMMARY_LAG_MS,
      ],
    );
  }

  /** What the store knows of these numbers' customers (numbers without a conversation are absent). */
  async knownCustomers(manager: EntityManager, phones: readonly string[]): Promise<Map<string, KnownCustomer>> {
    if (phones.length === 0) return new Map();
    const rows: { phone: string; customer_id: string | null; customer_name: string | null; customer_checked_at: Date | null }[] =
      await manager.query(
        `SELECT phone, customer_id, customer_name, customer_checked_at FROM ${CONVERSATIONS} WHERE phone = ANY($1::text[])`,
        [[...new Set(phones)]],
      );
    return new Map(
      rows.map((row) => [
        row.phone,
        {
          customer: row.customer_id && row.customer_name ? { id: row.customer_id, name: row.customer_name } : null,
          checkedAt: row.customer_checked_at,
        },
      ]),
    );
  }

  /** The inbox of one staff member: unread first, then the latest; a page after `after`, and whether more follow. */
  async list(filter: ConversationFilter): Promise<{ rows: ConversationRow[]; more: boolean }> {
    const params: unknown[] = [filter.staffId];
    const where: string[] = [];
    if (filter.search && 'digits' in filter.search) {
      params.push(containsPattern(filter.search.digits));
      where.push(`c.phone LIKE $${params.length}`);
    } else if (filter.search) {
      params.push(containsPattern(filter.search.name));
      where.push(`c.customer_name ILIKE $${params.length}`);
    }
    if (filter.unreadOnly) where.push(HAS_UNREAD);
    if (filter.after) {
      params.push(filter.after.unread ? 1 : 0, filter.after.at, filter.after.phone);
      const n = params.length;
      where.push(`((${HAS_UNREAD})::int, c.last_at, c.phone) < ($${n - 2}::int, $${n - 1}::timestamptz, $${n}::text)`);
    }
    params.push(filter.limit + 1);
    const rows: {
      phone: string;
      customer_id: string | null;
      customer_name: string | null;
      last_direction: ConversationDirection;
      last_body: string;
      last_at: Date;
      has_unread: boolean;
      unread: string;
      outbound_body: string | null;
      outbound_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT page.*, o.body AS outbound_body, o.at AS outbound_at, CASE WHEN page.has_unread THEN (
                SELECT count(*) FROM ${MESSAGES} m
                 WHERE m.phone = page.phone AND m.direction = 'inbound' AND m.at > COALESCE(page.read_at, '-infinity'::timestamptz))
              ELSE 0 END AS unread
         FROM (SELECT c.phone, c.customer_id, c.customer_name, c.last_direction, c.last_body, c.last_at, r.read_at, ${HAS_UNREAD} AS has_unread
                 FROM ${CONVERSATIONS} c LEFT JOIN ${READS} r ON r.staff_id = $1 AND r.phone = c.phone
                ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                ORDER BY ${HAS_UNREAD} DESC, c.last_at DESC, c.phone DESC
                LIMIT $${params.length}) page
         LEFT JOIN LATERAL (
               SELECT COALESCE(n.sms_body, '') AS body, n.created_at AS at FROM ${NOTIFICATIONS} n
                WHERE n.recipient_phone = page.phone AND ${OUTBOUND_SMS} AND n.created_at > page.last_at
                ORDER BY n.created_at DESC LIMIT 1) o ON true
        ORDER BY page.has_unread DESC, page.last_at DESC, page.phone DESC`,
      params,
    );
    return {
      more: rows.length > filter.limit,
      rows: rows.slice(0, filter.limit).map((row) => ({
        phone: row.phone,
        customerId: row.customer_id,
        customerName: row.customer_name,
        // A notification sent after the summary last moved (see noteOutbound) is the latest message.
        lastDirection: row.outbound_at ? 'outbound' : row.last_direction,
        lastBody: row.outbound_at ? (row.outbound_body ?? '') : row.last_body,
        lastAt: row.outbound_at ?? row.last_at,
        sortAt: row.last_at,
        hasUnread: row.has_unread,
        unread: Number(row.unread),
      })),
    };
  }

  /**
   * A page of one number's messages, newest first: before `before` (any age), else since `since`;
   * at most `limit`, and whether older ones exist. The messages are the stored ones (inbound SMS,
   * TwiML answers, staff messages, whose status is their console row's) and the number's outbound
   * notification SMS read from the console (`OUTBOUND_SMS`, sent at their `created_at`), those
   * from `keptSince` on (the retention's horizon: the console keeps its rows longer).
   */
  async messages(
    phone: string,
    page: { before: MessageCursor | null; since: Date | null; limit: number; keptSince?: Date | null },
  ): Promise<{ rows: ConversationMessageRow[]; older: boolean }> {
    const kept = page.keptSince?.toISOString() ?? '-infinity';
    const params: unknown[] = [phone, page.limit + 1, kept];
    let stored = 'm.phone = $1';
    let sent = `n.recipient_phone = $1 AND ${OUTBOUND_SMS} AND n.created_at >= $3::timestamptz`;
    if (page.before) {
      params.push(page.before.at, page.before.id);
      stored += ' AND (m.at, m.id) < ($4::timestamptz, $5::uuid)';
      sent += ' AND (n.created_at, n.id) < ($4::timestamptz, $5::uuid)';
    } else if (page.since) {
      params.push(page.since.toISOString());
      stored += ' AND m.at >= $4::timestamptz';
      sent += ' AND n.created_at >= $4::timestamptz';
    }
    const rows: {
      id: string;
      direction: ConversationDirection;
      source: ConversationSource | null;
      type: string | null;
      body: string;
      at: Date;
      status: string;
      staff_id: string | null;
    }[] = await this.dataSource.query(
      `SELECT * FROM (
         (SELECT m.id, m.direction, m.source, NULL::text AS type, m.body, m.at, COALESCE(n.status, m.status) AS status, m.staff_id
            FROM ${MESSAGES} m LEFT JOIN ${NOTIFICATIONS} n ON n.id = m.notification_id
           WHERE ${stored}
           ORDER BY m.at DESC, m.id DESC
           LIMIT $2)
         UNION ALL
         (SELECT n.id, 'outbound', NULL, n.type, COALESCE(n.sms_body, ''), n.created_at, n.status, NULL::uuid
            FROM ${NOTIFICATIONS} n
           WHERE ${sent}
           ORDER BY n.created_at DESC, n.id DESC
           LIMIT $2)
       ) thread
       ORDER BY at DESC, id DESC
       LIMIT $2`,
      params,
    );
    const result = rows.slice(0, page.limit).map(({ staff_id, type, source, ...row }): ConversationMessageRow => ({
      ...row,
      source: source ?? sourceOfNotificationType(type ?? ''),
      staffId: staff_id,
    }));
    if (rows.length > page.limit) return { rows: result, older: true };
    const oldest = result.at(-1);
    const boundary = oldest ? { at: oldest.at.toISOString(), id: oldest.id } : page.before;
    const [{ older }]: { older: boolean }[] = await this.dataSource.query(
      boundary
        ? `SELECT EXISTS (SELECT 1 FROM ${MESSAGES} WHERE phone = $1 AND (at, id) < ($2::timestamptz, $3::uuid))
               OR EXISTS (SELECT 1 FROM ${NOTIFICATIONS} n WHERE n.recipient_phone = $1 AND ${OUTBOUND_SMS}
                             AND (n.created_at, n.id) < ($2::timestamptz, $3::uuid) AND n.created_at >= $4::timestamptz) AS older`
        : `SELECT EXISTS (SELECT 1 FROM ${MESSAGES} WHERE phone = $1 AND at < $2::timestamptz)
               OR EXISTS (SELECT 1 FROM ${NOTIFICATIONS} n WHERE n.recipient_phone = $1 AND ${OUTBOUND_SMS}
                             AND n.created_at < $2::timestamptz AND n.created_at >= $3::timestamptz) AS older`,
      boundary ? [phone, boundary.at, boundary.id, kept] : [phone, (page.since ?? new Date()).toISOString(), kept],
    );
    return { rows: result, older };
  }

  /** This staff member has read the number's conversation up to its latest inbound SMS (a marker never moves back). */
  async markRead(staffId: string, phone: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${READS} AS r (staff_id, phone, read_at)
       SELECT $1, c.phone, GREATEST(COALESCE(c.last_inbound_at, c.last_at), now()) FROM ${CONVERSATIONS} c WHERE c.phone = $2
       ON CONFLICT (staff_id, phone) DO UPDATE SET read_at = GREATEST(r.read_at, EXCLUDED.read_at)`,
      [staffId, phone],
    );
  }

  /** The latest inbound SMS of every number, newest first. */
  async recentInbound(limit: number): Promise<RecentInboundRow[]> {
    const rows: { phone: string; body: string; at: Date; customer_id: string | null; customer_name: string | null }[] =
      await this.dataSource.query(
        `SELECT m.phone, m.body, m.at, c.customer_id, c.customer_name
           FROM (SELECT phone, body, at, id FROM ${MESSAGES} WHERE direction = 'inbound' ORDER BY at DESC, id DESC LIMIT $1) m
           LEFT JOIN ${CONVERSATIONS} c ON c.phone = m.phone
          ORDER BY m.at DESC, m.id DESC`,
        [limit],
      );
    return rows.map((row) => ({
      phone: row.phone,
      body: row.body,
      at: row.at,
      customerId: row.customer_id,
      customerName: row.customer_name,
    }));
  }

  /**
   * Removes messages older than `before`, at most `batch` per statement (answers how many), then
   * the conversations left without any (and their read markers).
   */
  async purgeBefore(before: Date, batch: number): Promise<number> {
    let purged = 0;
    for (;;) {
      const [, count]: [unknown, number] = await this.dataSource.query(
        `DELETE FROM ${MESSAGES} WHERE id IN (SELECT id FROM ${MESSAGES} WHERE at < $1 LIMIT $2)`,
        [before.toISOString(), batch],
      );
      purged += count;
      if (count < batch) break;
    }
    await this.dataSource.query(
      `WITH gone AS (DELETE FROM ${CONVERSATIONS} WHERE last_at < $1 RETURNING phone) DELETE FROM ${READS} WHERE phone IN (SELECT phone FROM gone)`,
      [before.toISOString()],
    );
    return purged;
  }
}

/** Per number (in order), its latest outbound notification of the batch. */
function latestOutboundPerPhone(notifications: readonly OutboundNotification[]): OutboundNotification[] {
  const byPhone = new Map<string, OutboundNotification>();
  for (const notification of notifications) {
    const kept = byPhone.get(notification.phone);
    if (
      !kept ||
      notification.at.getTime() > kept.at.getTime() ||
      (notification.at.getTime() === kept.at.getTime() && notification.id > kept.id)
    ) {
      byPhone.set(notification.phone, { ...notification, customer: notification.customer ?? kept?.customer });
    }
  }
  return [...byPhone.values()].sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
}

interface Summary {
  phone: string;
  last: NewConversationMessage;
  lastInboundAt: Date | null;
  customer: ConversationCustomer | null | undefined;
}

/** Per number (in order): its latest message, its latest inbound time, and the customer the latest telling message names. */
function summariesOf(messages: readonly NewConversationMessage[]): Summary[] {
  const byPhone = new Map<string, Summary>();
  for (const message of messages) {
    const summary = byPhone.get(message.phone) ?? { phone: message.phone, last: message, lastInboundAt: null, customer: undefined };
    if (
      message.at.getTime() > summary.last.at.getTime() ||
      (message.at.getTime() === summary.last.at.getTime() && message.id > summary.last.id)
    ) {
      summary.last = message;
    }
    if (message.direction === 'inbound' && (!summary.lastInboundAt || message.at > summary.lastInboundAt))
      summary.lastInboundAt = message.at;
    if (message.customer !== undefined) summary.customer = message.customer;
    byPhone.set(message.phone, summary);
  }
  return [...byPhone.values()].sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
}
