import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ListNotificationsQuery } from '@appointments/contracts';
import type { DeliveryStatus } from '@appointments/domain';
import { containsPattern, insertRows } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';
import type { StagedRowRef } from '../delivery/staged-reminders';
import type { ConsoleRow } from '../requests/console-rows';
import { NotificationEntity } from './notification.entity';

const TABLE = 'notification_dispatch.notifications';
const NOTIFICATIONS_TABLE = { schema: 'notification_dispatch', name: 'notifications' };

/**
 * What claiming a row (`n`) for delivery sets: the attempt, recorded before the provider is
 * called. The same for a pending notification and a released staged reminder.
 */
const CLAIM_SET = 'attempt_started_at = now(), attempts = n.attempts + 1, updated_at = now()';

/** What a delivery needs of a claimed row (`n`), named as the entity's fields. */
const CLAIMED_COLUMNS = [
  'id',
  'request_id AS "requestId"',
  'event_id AS "eventId"',
  'type',
  'channel',
  'recipient_name AS "recipientName"',
  'recipient_email AS "recipientEmail"',
  'recipient_phone AS "recipientPhone"',
  'subject',
  'body_html AS "html"',
  'body_text AS "text"',
  'sms_body AS "smsBody"',
  'attachments',
  'delivery_content AS "deliveryContent"',
  'attempts',
  'attempt_started_at AS "attemptStartedAt"',
  'reminder',
]
  .map((column) => `n.${column}`)
  .join(', ');

/**
 * Records notifications as sent, with one statement: `$1` their ids, `$2` the providers, `$3` the
 * providers' message ids, `$4` when. A provider report may have come first (Twilio calls back
 * fast): its status is never moved back.
 */
const RECORD_SENT = `UPDATE ${TABLE} n SET status = CASE WHEN n.status = 'pending' THEN 'sent' ELSE n.status END,
    provider = s.provider, provider_message_id = COALESCE(n.provider_message_id, s.provider_message_id), sent_at = $4,
    error = NULL, attempt_started_at = NULL, delivery_content = NULL, status_changed_at = COALESCE(n.status_changed_at, $4), updated_at = now()
   FROM unnest($1::uuid[], $2::text[], $3::text[]) AS s(id, provider, provider_message_id)
  WHERE n.id = s.id`;

/**
 * Takes staged rows (`selection`: the condition, and the order and limit, over the table's
 * columns) and claims them for delivery in one statement, returning what the send needs.
 */
function claimStaged(selection: string): string {
  return `UPDATE ${TABLE} n SET status = 'pending', ${CLAIM_SET}, created_at = now()
     FROM (SELECT id FROM ${TABLE} WHERE status = 'staged' AND ${selection} FOR UPDATE SKIP LOCKED) AS due
    WHERE n.id = due.id
    RETURNING ${CLAIMED_COLUMNS}, n.dedupe_key AS "dedupeKey", n.config_key AS "configKey", n.event_start AS "eventStart"`;
}

/** The due staged rows, oldest first, at most `$1`. */
const CLAIM_DUE_STAGED = claimStaged('next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1');

/** The staged rows of these requests (`$1` their dedupe keys, `$2` their ids), whatever their due time. */
const CLAIM_STAGED_OF_REQUESTS = claimStaged('dedupe_key = ANY($1::text[]) AND request_id = ANY($2::uuid[])');

/** A notification handed to its provider: by which, and the provider's message id. */
export interface SentNotification {
  id: string;
  provider: string;
  providerMessageId: string | null;
}

/** A staged row as a release claims it: what delivery needs, what the check asks about, and what its skipped rows copy. */
export type ClaimedStagedRow = NotificationEntity & StagedRowRef & { configKey: string; eventStart: Date };

/** How a provider's delivery report names the notification it is about: our id, or the provider's message id. */
export type ReportedNotification = { id: string } | { provider: string; providerMessageId: string };

/** What a provider's delivery report changes of a notification. */
export interface ReportedStatus {
  status: DeliveryStatus;
  providerStatus: string;
  statusChangedAt: Date;
  /** Given when the row had no provider message id yet. */
  providerMessageId?: string | null;
  /** Given when the report fails the notification. */
  error?: string;
  /**
   * Given when the report settles a call still pending (interrupted, or its outcome unknown): the
   * attempt closes, the message held for the provider is dropped, and this is when it was sent.
   */
  settledSentAt?: Date;
}

/** The console's filters (`ListNotificationsQuery`), without the page. */
export type ConsoleFilter = Omit<ListNotificationsQuery, 'page' | 'pageSize'>;

/**
 * Every statement about the console's outbound notifications (`notification_dispatch.notifications`):
 * logging requested sends and skipped channels, claiming them for delivery (pending ones, and staged
 * reminders at their due time, with `FOR UPDATE SKIP LOCKED`), recording outcomes and provider
 * reports, withdrawing staged reminders, and the console's pages. The bulk statements (`unnest`,
 * `insertRows`) are what lets a burst of reminders go out in a few statements per batch.
 * Inbound rows are `InboundMessagesRepository`'s.
 */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Logs the console rows of requested sends and answers the ids that went in. A row whose dedupe
   * key is already taken on its channel, by an earlier request or an earlier row of this batch, is
   * left out by the unique index (`notifications_dedupe_key`), which also settles two batches racing
   * for the same key: the second waits for the first to commit. Rows without a key never meet that
   * index. Staged rows carry their release time (`next_attempt_at`), the others take the default
   * (now): a statement each, when a batch has both.
   */
  async logRequested(manager: EntityManager, sends: { row: ConsoleRow; sendAt?: string }[]): Promise<Set<string>> {
    const options = { onConflict: '(dedupe_key, channel) WHERE dedupe_key IS NOT NULL DO NOTHING', returning: ['id'] };
    const atOnce = sends.filter((send) => !send.sendAt).map((send) => send.row);
    const staged = sends.filter((send) => send.sendAt).map((send) => ({ ...send.row, next_attempt_at: send.sendAt }));
    const inserted = [
      ...(await insertRows<{ id: string }>(manager, NOTIFICATIONS_TABLE, atOnce, options)),
      ...(await insertRows<{ id: string }>(manager, NOTIFICATIONS_TABLE, staged, options)),
    ];
    return new Set(inserted.map((row) => row.id));
  }

  /** Logs skipped channels' console rows, with one statement. */
  async logSkipped(manager: EntityManager, rows: ConsoleRow[]): Promise<void> {
    await insertRows(manager, NOTIFICATIONS_TABLE, rows);
  }

  /**
   * Claims these notifications for delivery, those still pending, due, and with no attempt open,
   * recording the attempt; answers the claimed rows with what a delivery needs. Committed at once:
   * two workers never send one notification.
   */
  async claimPending(ids: string[]): Promise<NotificationEntity[]> {
    const [claimed]: [NotificationEntity[], number] = await this.dataSource.query(
      // Driven by the ids (unnest): each row is found by its key. Given `id = ANY(…) AND status =
      // 'pending'`, the planner took the partial index of pending rows instead, and walked every
      // entry in it (dead ones too, until vacuum) for each batch: 17,000 entries a claim in a
      // burst of reminders.
      `UPDATE ${TABLE} n SET ${CLAIM_SET}
         FROM unnest($1::uuid[]) AS claim(id)
        WHERE n.id = claim.id AND n.status = 'pending' AND n.attempt_started_at IS NULL AND n.next_attempt_at <= now()
        RETURNING ${CLAIMED_COLUMNS}`,
      [ids],
    );
    return claimed;
  }

  /** Records these notifications as sent at `sentAt`, with one statement; a status a provider already reported stays. */
  async recordSent(manager: EntityManager, sent: SentNotification[], sentAt: Date): Promise<void> {
    await manager.query(RECORD_SENT, [sent.map((s) => s.id), sent.map((s) => s.provider), sent.map((s) => s.providerMessageId), sentAt]);
  }

  /** Keeps a notification's attempt open, noting why: the provider may have taken it, and its report settles it. */
  async awaitProviderReport(id: string, error: string): Promise<void> {
    await this.dataSource.manager.update(NotificationEntity, { id }, { error });
  }

  /** Closes a failed attempt and sets when the next may start. */
  async scheduleRetry(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.dataSource.manager.update(NotificationEntity, { id }, { attemptStartedAt: null, error, nextAttemptAt });
  }

  /** Fails a notification for good, with the reason; the message held for the provider is dropped. */
  async markFailed(manager: EntityManager, id: string, reason: string): Promise<void> {
    await manager.update(
      NotificationEntity,
      { id },
      { status: 'failed', error: reason, attemptStartedAt: null, deliveryContent: null, statusChangedAt: new Date() },
    );
  }

  /** Fails these notifications (staged reminders the release cannot read), each with its reason, with one statement. */
  async markManyFailed(manager: EntityManager, failures: { id: string; reason: string }[]): Promise<void> {
    await manager.query(
      `UPDATE ${TABLE} n SET status = 'failed', error = f.reason, attempt_started_at = NULL, delivery_content = NULL, status_changed_at = now(), updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS f(id, reason) WHERE n.id = f.id`,
      [failures.map(({ id }) => id), failures.map(({ reason }) => reason)],
    );
  }

  /** An interrupted call the provider never took: the attempt closes and the notification, still pending, is due again now. */
  async sendAgain(id: string): Promise<void> {
    await this.dataSource.manager.update(
      NotificationEntity,
      { id, status: 'pending' },
      { attemptStartedAt: null, nextAttemptAt: new Date() },
    );
  }

  /**
   * The ids of pending notifications due for a call with none open, left over for the sweep (created
   * more than 2 s ago: fresher ones are being delivered), the longest due first, at most 200.
   */
  async dueForSweep(): Promise<string[]> {
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM ${TABLE} WHERE status = 'pending' AND attempt_started_at IS NULL AND next_attempt_at <= now()
         AND created_at < now() - interval '2 seconds' ORDER BY next_attempt_at LIMIT 200`,
    );
    return due.map(({ id }) => id);
  }

  /** Pending notifications whose provider call started before `before` and never recorded its outcome, at most 100. */
  interruptedBefore(before: Date): Promise<NotificationEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(NotificationEntity, 'n')
      .where("n.status = 'pending' AND n.attempt_started_at < :before", { before })
      .limit(100)
      .getMany();
  }

  /**
   * Takes the due staged rows, at most `limit`, oldest first, with `FOR UPDATE SKIP LOCKED` (two
   * releases never take the same rows), and claims them for delivery as `claimPending` claims,
   * their `created_at` now.
   */
  async claimDueStaged(manager: EntityManager, limit: number): Promise<ClaimedStagedRow[]> {
    const [rows]: [ClaimedStagedRow[], number] = await manager.query(CLAIM_DUE_STAGED, [limit]);
    return rows;
  }

  /** Takes and claims (as `claimDueStaged`) the staged rows of these requests that are left, whatever their due time. */
  async claimStagedOfRequests(manager: EntityManager, requests: { dedupeKey: string; requestId: string }[]): Promise<ClaimedStagedRow[]> {
    const [rows]: [ClaimedStagedRow[], number] = await manager.query(CLAIM_STAGED_OF_REQUESTS, [
      requests.map((request) => request.dedupeKey),
      requests.map((request) => request.requestId),
    ]);
    return rows;
  }

  /** Deletes withdrawn staged rows and their landing tokens, with one statement. */
  async withdrawStaged(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(
      `WITH withdrawn AS (
         DELETE FROM ${TABLE} n USING unnest($1::uuid[]) AS w(id) WHERE n.id = w.id RETURNING n.id)
       DELETE FROM notification_dispatch.landing_tokens t USING withdrawn WHERE t.notification_id = withdrawn.id`,
      [ids],
    );
  }

  /** The notification a provider's delivery report names, locked until the caller's transaction ends; null when there is none. */
  lockReported(manager: EntityManager, where: ReportedNotification): Promise<NotificationEntity | null> {
    return manager.findOne(NotificationEntity, { where, lock: { mode: 'pessimistic_write' } });
  }

  /** Records what a provider's delivery report says of a notification. */
  async recordReportedStatus(manager: EntityManager, id: string, reported: ReportedStatus): Promise<void> {
    await manager.update(
      NotificationEntity,
      { id },
      {
        status: reported.status,
        providerStatus: reported.providerStatus,
        statusChangedAt: reported.statusChangedAt,
        ...('providerMessageId' in reported ? { providerMessageId: reported.providerMessageId } : {}),
        ...('error' in reported ? { error: reported.error } : {}),
        ...(reported.settledSentAt ? { attemptStartedAt: null, deliveryContent: null, sentAt: reported.settledSentAt } : {}),
      },
    );
  }

  /**
   * A page of the console, newest first, and how many rows the filter finds: every outbound
   * notification and inbound response or SMS, but no staged reminder (it appears when it is
   * released). `recipient` finds a name, email or phone containing it.
   */
  async consolePage(filter: ConsoleFilter, page: number, pageSize: number): Promise<{ rows: NotificationEntity[]; total: number }> {
    const builder = this.dataSource.manager.createQueryBuilder(NotificationEntity, 'n').where("n.status <> 'staged'");
    if (filter.eventId) builder.andWhere('n.event_id = :eventId', { eventId: filter.eventId });
    if (filter.type) builder.andWhere('n.type = :type', { type: filter.type });
    if (filter.channel) builder.andWhere('n.channel = :channel', { channel: filter.channel });
    if (filter.status) builder.andWhere('n.status = :status', { status: filter.status });
    if (filter.direction) builder.andWhere('n.direction = :direction', { direction: filter.direction });
    if (filter.responseType) builder.andWhere('n.response_type = :responseType', { responseType: filter.responseType });
    if (filter.from) builder.andWhere('n.created_at >= :from', { from: new Date(filter.from) });
    if (filter.to) builder.andWhere('n.created_at < :to', { to: new Date(filter.to) });
    if (filter.recipient) {
      const like = containsPattern(filter.recipient);
      builder.andWhere('(n.recipient_name ILIKE :like OR n.recipient_email ILIKE :like OR n.recipient_phone ILIKE :like)', { like });
    }
    const [rows, total] = await builder
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { rows, total };
  }
}
