import { randomUUID } from 'node:crypto';
import type { Channel, NotificationType } from '@appointments/domain';
import type { EntityManager } from 'typeorm';
import type { ConsoleRow } from '../requests/console-rows';
import { NotificationEntity } from './notification.entity';
import {
  ClaimedStagedRow,
  ConsoleFilter,
  NotificationsRepository,
  ReportedNotification,
  ReportedStatus,
  SentNotification,
} from './notifications.repository';

/** What a store of notifications answers: the repository's public methods. */
type NotificationsStore = { [Method in keyof NotificationsRepository]: NotificationsRepository[Method] };

/** How long a pending notification is left to the delivery that logged it before the sweep takes it. */
const SWEEP_AFTER_MS = 2_000;

/**
 * `NotificationsRepository` in memory, for unit specs: the same answers and effects, by `now`
 * (claims, the sweep's picks, the dedupe key taken once per channel, the console's filters and
 * order). Writes apply at once, whatever `EntityManager` they are given; a spec that needs a
 * rollback runs the use case's transaction through `transaction`. Locks are not modelled. Its statements themselves are tested on PostgreSQL in
 * `test/integration/dispatch/dispatch-repositories.int-spec.ts`.
 */
export class InMemoryNotificationsRepository implements NotificationsStore {
  private readonly rows = new Map<string, NotificationEntity>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * Stores a row as a spec arranges it: an outbound pending email, due now, unless `fields` say
   * otherwise; answers it as stored.
   */
  add(fields: Partial<NotificationEntity> = {}): NotificationEntity {
    const now = this.now();
    const row: NotificationEntity = {
      id: randomUUID(),
      requestId: null,
      eventId: null,
      type: 'confirmation',
      configKey: null,
      channel: 'email',
      direction: 'outbound',
      recipientName: 'Jane Doe',
      recipientEmail: 'jane@example.com',
      recipientPhone: null,
      subject: null,
      text: null,
      html: null,
      smsBody: null,
      attachments: [],
      deliveryContent: null,
      smsSegments: null,
      smsEncoding: null,
      status: 'pending',
      provider: null,
      providerMessageId: null,
      providerStatus: null,
      statusChangedAt: null,
      error: null,
      responseType: null,
      reason: null,
      answersNotificationId: null,
      eventStart: null,
      dedupeKey: null,
      reminder: null,
      sentAt: null,
      attempts: 0,
      attemptStartedAt: null,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
    if (this.rows.has(row.id)) throw new Error(`duplicate key value violates unique constraint: notification ${row.id}`);
    this.rows.set(row.id, row);
    return { ...row };
  }

  /**
   * Runs `work` as `DataSource.transaction` would, over this store: its writes are undone if it
   * throws. The `EntityManager` it gets is a stand-in (the fakes ignore it).
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const before = [...this.rows.values()].map((row) => ({ ...row }));
    try {
      return await work({} as EntityManager);
    } catch (error) {
      this.rows.clear();
      for (const row of before) this.rows.set(row.id, row);
      throw error;
    }
  }

  /** The row with this id as it is now, or undefined. */
  get(id: string): NotificationEntity | undefined {
    const row = this.rows.get(id);
    return row ? { ...row } : undefined;
  }

  /** Every row, in the order stored. */
  all(): NotificationEntity[] {
    return [...this.rows.values()].map((row) => ({ ...row }));
  }

  async logRequested(_manager: unknown, sends: { row: ConsoleRow; sendAt?: string }[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    const atOnce = sends.filter((send) => !send.sendAt);
    const staged = sends.filter((send) => send.sendAt);
    for (const { row, sendAt } of [...atOnce, ...staged]) {
      if (row.dedupe_key && this.find((known) => known.dedupeKey === row.dedupe_key && known.channel === row.channel)) continue;
      this.add(this.fromConsoleRow(row, sendAt));
      inserted.add(row.id);
    }
    return inserted;
  }

  async logSkipped(_manager: unknown, rows: ConsoleRow[]): Promise<void> {
    for (const row of rows) this.add(this.fromConsoleRow(row));
  }

  async claimPending(ids: string[]): Promise<NotificationEntity[]> {
    const now = this.now();
    return [...new Set(ids)].flatMap((id) => {
      const row = this.rows.get(id);
      if (!row || row.status !== 'pending' || row.attemptStartedAt || row.nextAttemptAt > now) return [];
      return [this.claim(row, now)];
    });
  }

  async recordSent(_manager: unknown, sent: SentNotification[], sentAt: Date): Promise<void> {
    for (const { id, provider, providerMessageId } of sent) {
      const row = this.rows.get(id);
      if (!row) continue;
      Object.assign(row, {
        status: row.status === 'pending' ? 'sent' : row.status,
        provider,
        providerMessageId: row.providerMessageId ?? providerMessageId,
        sentAt,
        error: null,
        attemptStartedAt: null,
        deliveryContent: null,
        statusChangedAt: row.statusChangedAt ?? sentAt,
        updatedAt: this.now(),
      });
    }
  }

  async awaitProviderReport(id: string, error: string): Promise<void> {
    this.change(id, { error });
  }

  async scheduleRetry(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    this.change(id, { attemptStartedAt: null, error, nextAttemptAt });
  }

  async markFailed(_manager: unknown, id: string, reason: string): Promise<void> {
    this.change(id, { status: 'failed', error: reason, attemptStartedAt: null, deliveryContent: null, statusChangedAt: this.now() });
  }

  async markManyFailed(manager: unknown, failures: { id: string; reason: string }[]): Promise<void> {
    for (const { id, reason } of failures) await this.markFailed(manager, id, reason);
  }

  async sendAgain(id: string): Promise<void> {
    if (this.rows.get(id)?.status === 'pending') this.change(id, { attemptStartedAt: null, nextAttemptAt: this.now() });
  }

  async dueForSweep(): Promise<string[]> {
    const now = this.now();
    return this.filter(
      (row) =>
        row.status === 'pending' &&
        !row.attemptStartedAt &&
        row.nextAttemptAt <= now &&
        row.createdAt.getTime() < now.getTime() - SWEEP_AFTER_MS,
    )
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, 200)
      .map((row) => row.id);
  }

  async interruptedBefore(before: Date): Promise<NotificationEntity[]> {
    return this.filter((row) => row.status === 'pending' && row.attemptStartedAt !== null && row.attemptStartedAt < before)
      .slice(0, 100)
      .map((row) => ({ ...row }));
  }

  async claimDueStaged(_manager: unknown, limit: number): Promise<ClaimedStagedRow[]> {
    const now = this.now();
    return this.filter((row) => row.status === 'staged' && row.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, limit)
      .map((row) => this.claimStaged(row, now));
  }

  async claimStagedOfRequests(_manager: unknown, requests: { dedupeKey: string; requestId: string }[]): Promise<ClaimedStagedRow[]> {
    const now = this.now();
    const keys = new Set(requests.map((request) => request.dedupeKey));
    const ids = new Set(requests.map((request) => request.requestId));
    return this.filter((row) => row.status === 'staged' && keys.has(row.dedupeKey ?? '') && ids.has(row.requestId ?? '')).map((row) =>
      this.claimStaged(row, now),
    );
  }

  /** Deletes the rows; their landing tokens go with them (`InMemoryLandingTokensRepository` finds none for a row that is gone). */
  async withdrawStaged(_manager: unknown, ids: string[]): Promise<void> {
    for (const id of ids) this.rows.delete(id);
  }

  async lockReported(_manager: unknown, where: ReportedNotification): Promise<NotificationEntity | null> {
    const row =
      'id' in where
        ? this.rows.get(where.id)
        : this.find((known) => known.provider === where.provider && known.providerMessageId === where.providerMessageId);
    return row ? { ...row } : null;
  }

  async recordReportedStatus(_manager: unknown, id: string, reported: ReportedStatus): Promise<void> {
    this.change(id, {
      status: reported.status,
      providerStatus: reported.providerStatus,
      statusChangedAt: reported.statusChangedAt,
      ...('providerMessageId' in reported ? { providerMessageId: reported.providerMessageId } : {}),
      ...('error' in reported ? { error: reported.error } : {}),
      ...(reported.settledSentAt ? { attemptStartedAt: null, deliveryContent: null, sentAt: reported.settledSentAt } : {}),
    });
  }

  async consolePage(filter: ConsoleFilter, page: number, pageSize: number): Promise<{ rows: NotificationEntity[]; total: number }> {
    const contains = (value: string | null, part: string) => (value ?? '').toLowerCase().includes(part.toLowerCase());
    const found = this.filter(
      (row) =>
        row.status !== 'staged' &&
        (!filter.eventId || row.eventId === filter.eventId) &&
        (!filter.type || row.type === filter.type) &&
        (!filter.channel || row.channel === filter.channel) &&
        (!filter.status || row.status === filter.status) &&
        (!filter.direction || row.direction === filter.direction) &&
        (!filter.responseType || row.responseType === filter.responseType) &&
        (!filter.from || row.createdAt >= new Date(filter.from)) &&
        (!filter.to || row.createdAt < new Date(filter.to)) &&
        (!filter.recipient ||
          contains(row.recipientName, filter.recipient) ||
          contains(row.recipientEmail, filter.recipient) ||
          contains(row.recipientPhone, filter.recipient)),
    ).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return { rows: found.slice((page - 1) * pageSize, page * pageSize).map((row) => ({ ...row })), total: found.length };
  }

  private filter(keep: (row: NotificationEntity) => boolean): NotificationEntity[] {
    return [...this.rows.values()].filter(keep);
  }

  private find(match: (row: NotificationEntity) => boolean): NotificationEntity | undefined {
    return [...this.rows.values()].find(match);
  }

  private change(id: string, fields: Partial<NotificationEntity>) {
    const row = this.rows.get(id);
    if (row) Object.assign(row, fields, { updatedAt: this.now() });
  }

  private claim(row: NotificationEntity, now: Date): NotificationEntity {
    Object.assign(row, { attemptStartedAt: now, attempts: row.attempts + 1, updatedAt: now });
    return { ...row };
  }

  private claimStaged(row: NotificationEntity, now: Date): ClaimedStagedRow {
    Object.assign(row, { status: 'pending', createdAt: now });
    return this.claim(row, now) as ClaimedStagedRow;
  }

  private fromConsoleRow(row: ConsoleRow, sendAt?: string): Partial<NotificationEntity> {
    return {
      id: row.id,
      requestId: row.request_id,
      eventId: row.event_id,
      type: row.type as NotificationType,
      configKey: row.config_key,
      channel: row.channel as Channel,
      direction: row.direction,
      recipientName: row.recipient_name,
      recipientEmail: row.recipient_email,
      recipientPhone: row.recipient_phone,
      eventStart: row.event_start ? new Date(row.event_start) : null,
      status: row.status,
      error: row.error,
      subject: row.subject,
      html: row.body_html,
      text: row.body_text,
      smsBody: row.sms_body,
      attachments: row.attachments,
      smsSegments: row.sms_segments,
      smsEncoding: row.sms_encoding as NotificationEntity['smsEncoding'],
      deliveryContent: row.delivery_content,
      dedupeKey: row.dedupe_key,
      reminder: row.reminder,
      ...(sendAt ? { nextAttemptAt: new Date(sendAt) } : {}),
    };
  }
}
