import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ConversationCustomer, ConversationDirection, ConversationSource } from '@appointments/contracts';
import { containsPattern, insertRows } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';
import type { ConversationCursor, MessageCursor } from '../conversations/conversation-rules';

const MESSAGES = 'notification_dispatch.conversation_messages';
const CONVERSATIONS = 'notification_dispatch.conversations';
const READS = 'notification_dispatch.conversation_reads';

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

/** A conversation's row as the inbox reads it, with this staff member's unread count. */
export interface ConversationRow {
  phone: string;
  customerId: string | null;
  customerName: string | null;
  lastDirection: ConversationDirection;
  lastBody: string;
  lastAt: Date;
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
 * each for a whole batch; the inbox reads summaries only.
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
    }[] = await this.dataSource.query(
      `SELECT page.*, CASE WHEN page.has_unread THEN (
                SELECT count(*) FROM ${MESSAGES} m
                 WHERE m.phone = page.phone AND m.direction = 'inbound' AND m.at > COALESCE(page.read_at, '-infinity'::timestamptz))
              ELSE 0 END AS unread
         FROM (SELECT c.phone, c.customer_id, c.customer_name, c.last_direction, c.last_body, c.last_at, r.read_at, ${HAS_UNREAD} AS has_unread
                 FROM ${CONVERSATIONS} c LEFT JOIN ${READS} r ON r.staff_id = $1 AND r.phone = c.phone
                ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                ORDER BY ${HAS_UNREAD} DESC, c.last_at DESC, c.phone DESC
                LIMIT $${params.length}) page
        ORDER BY page.has_unread DESC, page.last_at DESC, page.phone DESC`,
      params,
    );
    return {
      more: rows.length > filter.limit,
      rows: rows.slice(0, filter.limit).map((row) => ({
        phone: row.phone,
        customerId: row.customer_id,
        customerName: row.customer_name,
        lastDirection: row.last_direction,
        lastBody: row.last_body,
        lastAt: row.last_at,
        hasUnread: row.has_unread,
        unread: Number(row.unread),
      })),
    };
  }

  /**
   * A page of one number's messages, newest first: before `before` (any age), else since `since`;
   * at most `limit`, and whether older ones exist. An outbound notification's status is its console row's.
   */
  async messages(
    phone: string,
    page: { before: MessageCursor | null; since: Date | null; limit: number },
  ): Promise<{ rows: ConversationMessageRow[]; older: boolean }> {
    const params: unknown[] = [phone, page.limit + 1];
    let where = 'm.phone = $1';
    if (page.before) {
      params.push(page.before.at, page.before.id);
      where += ' AND (m.at, m.id) < ($3::timestamptz, $4::uuid)';
    } else if (page.since) {
      params.push(page.since.toISOString());
      where += ' AND m.at >= $3::timestamptz';
    }
    const rows: (Omit<ConversationMessageRow, 'staffId'> & { staff_id: string | null })[] = await this.dataSource.query(
      `SELECT m.id, m.direction, m.source, m.body, m.at, COALESCE(n.status, m.status) AS status, m.staff_id
         FROM ${MESSAGES} m LEFT JOIN notification_dispatch.notifications n ON n.id = m.notification_id
        WHERE ${where}
        ORDER BY m.at DESC, m.id DESC
        LIMIT $2`,
      params,
    );
    const result = rows.slice(0, page.limit).map(({ staff_id, ...row }) => ({ ...row, staffId: staff_id }));
    if (rows.length > page.limit) return { rows: result, older: true };
    const oldest = result.at(-1);
    const boundary = oldest ? { at: oldest.at.toISOString(), id: oldest.id } : page.before;
    const [{ older }]: { older: boolean }[] = await this.dataSource.query(
      boundary
        ? `SELECT EXISTS (SELECT 1 FROM ${MESSAGES} WHERE phone = $1 AND (at, id) < ($2::timestamptz, $3::uuid)) AS older`
        : `SELECT EXISTS (SELECT 1 FROM ${MESSAGES} WHERE phone = $1 AND at < $2::timestamptz) AS older`,
      boundary ? [phone, boundary.at, boundary.id] : [phone, (page.since ?? new Date()).toISOString()],
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
