import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DOMAIN_EVENT,
  MAX_RELEASE_CHECK,
  NotificationFailedPayload,
  ReminderReleaseCheck,
  ReminderReleaseVerdict,
  SCHEDULING_REQUEST,
  SERVICE,
  StagedReminderDto,
} from '@appointments/contracts';
import { DomainEventOutbox, NewDomainEvent, RemoteServiceError, RpcClient } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { outboundNotification } from '../conversations/outbound-entries';
import { ConversationsRepository } from '../persistence/conversations.repository';
import { DispatchConfig } from '../dispatch.config';
import { ClaimedStagedRow, NotificationsRepository } from '../persistence/notifications.repository';
import { RequestFields, requestRow, skippedRows } from '../requests/console-rows';
import { NotificationDelivery, outcomeOf } from './notification-delivery';
import { ReleaseVerdict, releaseRetryDelayMs, StagedRequest, stagedRequests, verdictsByRequest } from './staged-reminders';

/** Released batches whose provider calls and recording may still run while the next batch is claimed and checked. */
const DELIVERING_BATCHES = 4;

/** A request scheduling withdrew, and why (logged once the release has committed). */
type Withdrawn = StagedRequest<ClaimedStagedRow> & { verdict: Exclude<ReminderReleaseVerdict, { verdict: 'send' }> };

/** A request the release check could not read (failed, logged). */
type Unreadable = StagedRequest<ClaimedStagedRow> & { verdict: Extract<ReleaseVerdict, { verdict: 'unreadable' }> };

/**
 * Releases staged reminders at their due time. A reminder is staged ahead of it
 * (`NotificationRequestedPayload.sendAt`, see `NotificationRequestedController`): rendered, its
 * landing tokens issued and its console rows stored as `staged`, with `next_attempt_at` its due
 * time, so that only this cheap release is left for the due time. Until then its rows are in no
 * console, answer no landing link or SMS reply, and hold the reminder's dedupe key.
 *
 * At start and every `REMINDER_RELEASE_POLL_MS`, passes run until nothing is due (a full batch
 * is followed at once by another), up to `REMINDER_RELEASE_CONCURRENCY` runs at once, each taking
 * other rows. One pass is one transaction:
 * 1. the due staged rows, at most `REMINDER_RELEASE_BATCH` (and the rest of a request the limit
 *    cut), oldest first, are taken with `FOR UPDATE SKIP LOCKED` (two dispatch processes never
 *    take the same rows) and claimed for delivery as `NotificationDelivery` claims (`pending`,
 *    the attempt recorded), their `created_at` now: the console shows a reminder when it goes out;
 * 2. scheduling is asked, per request, whether each may still go
 *    (`SCHEDULING_REQUEST.checkReminderReleases`, `MAX_RELEASE_CHECK` a request);
 * 3. the requests it withdraws (stale, missed, refused, restaged) are deleted with their
 *    landing tokens; those it lets go get their skipped-channel rows (from `reminder.skipped`);
 *    one it cannot read (`invalid_input` for it alone) is failed, visibly, with `NotificationFailed`.
 * Once that has committed, `NotificationDelivery` calls the providers and records the outcomes
 * (`NotificationSent` carries the `reminder`), while the next pass may already run (at most
 * `DELIVERING_BATCHES` batches delivering).
 *
 * The rows are claimed before scheduling is asked, not after, because a write (unlike a row
 * lock) makes a concurrent insert of the same dedupe key wait for this transaction: a
 * `restaged` reminder's new request, which scheduling publishes before it answers, then finds
 * the staged copy gone rather than refused as a repeat of it. If scheduling does not answer,
 * or anything fails, the pass rolls back: the rows stay staged and are tried again after a pause
 * that doubles with each failure in a row (`releaseRetryDelayMs`, at most 5 s), so that an outage
 * gives a warning every few seconds, not ten a second.
 * A staged row is never sent without a `send` verdict.
 */
@Injectable()
export class StagedReminderRelease implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  /** Passes failed in a row (scheduling down, PostgreSQL refusing), and no new run before this time. */
  private failures = 0;
  private pausedUntil = 0;
  private readonly delivering = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsRepository,
    private readonly delivery: NotificationDelivery,
    private readonly rpc: RpcClient,
    private readonly outbox: DomainEventOutbox,
    private readonly config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly conversations?: ConversationsRepository,
  ) {}

  onApplicationBootstrap() {
    this.poll();
    this.timer = setInterval(() => this.poll(), this.config.REMINDER_RELEASE_POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
    await Promise.allSettled([...this.delivering]);
  }

  /** Starts a run of passes, unless `REMINDER_RELEASE_CONCURRENCY` runs are going already or passes keep failing. */
  private poll() {
    if (this.stopped || this.running.size >= this.config.REMINDER_RELEASE_CONCURRENCY || Date.now() < this.pausedUntil) return;
    const run = this.releaseDue().finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Release passes until nothing is due; a pass that fails leaves its rows staged for the next poll. */
  async releaseDue(): Promise<void> {
    for (;;) {
      while (this.delivering.size >= DELIVERING_BATCHES) await Promise.race(this.delivering);
      if (this.stopped) return;
      let taken: number;
      try {
        taken = await this.releaseBatch();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        const retryInMs = releaseRetryDelayMs(this.config.REMINDER_RELEASE_POLL_MS, this.failures);
        this.pausedUntil = Date.now() + retryInMs;
        this.logger.warn(
          { err: error, failures: this.failures, retryInMs },
          'could not release staged reminders; they stay staged and are tried again',
        );
        return;
      }
      if (taken < this.config.REMINDER_RELEASE_BATCH) return;
    }
  }

  /** One pass (see the class comment); answers how many staged rows it took. */
  private async releaseBatch(): Promise<number> {
    const { taken, released, withdrawn, unreadable } = await this.dataSource.transaction(async (manager) => {
      const due = await this.notifications.claimDueStaged(manager, this.config.REMINDER_RELEASE_BATCH);
      if (due.length === 0) return { taken: 0, released: [], withdrawn: [], unreadable: [] };
      // The limit may cut a request in two (its rows are next to each other in the index): its
      // other rows are taken too, so that scheduling is asked about each request once.
      const cut = stagedRequests(due).filter(({ rows }) => rows.length < rows[0].reminder.channels.length);
      const rest =
        cut.length === 0
          ? []
          : await this.notifications.claimStagedOfRequests(
              manager,
              cut.map((request) => request.staged),
            );
      const requests = stagedRequests([...due, ...rest]);
      const verdicts = await this.check(requests.map((request) => request.staged));
      const released: StagedRequest<ClaimedStagedRow>[] = [];
      const withdrawn: Withdrawn[] = [];
      const unreadable: Unreadable[] = [];
      for (const request of requests) {
        const verdict = verdicts.get(request.staged.requestId)!;
        if (verdict.verdict === 'send') released.push(request);
        else if (verdict.verdict === 'unreadable') unreadable.push({ ...request, verdict });
        else withdrawn.push({ ...request, verdict });
      }
      await this.withdraw(
        manager,
        withdrawn.flatMap((request) => request.rows.map((row) => row.id)),
      );
      await this.fail(manager, unreadable);
      // A request that skipped a channel has one row to release (there are two channels): its
      // skipped rows are written once, whatever the batches.
      await this.notifications.logSkipped(
        manager,
        released.flatMap(({ rows: [row] }) => skippedRows(requestRow(requestFields(row)), row.reminder.skipped)),
      );
      // A released reminder by SMS is a message of its number's conversation from now on (its console row).
      const now = Date.now();
      await this.conversations?.noteOutbound(
        manager,
        released.flatMap(({ rows }) =>
          rows.flatMap((row) => {
            const outbound = outboundNotification(
              { id: row.id, channel: row.channel, status: 'pending', recipient_phone: row.recipientPhone, sms_body: row.smsBody },
              null,
              now,
            );
            return outbound ? [outbound] : [];
          }),
        ),
      );
      return { taken: due.length, released, withdrawn, unreadable };
    });
    for (const { staged, verdict } of unreadable) {
      this.logger.error(
        { requestId: staged.requestId, eventId: staged.eventId, dedupeKey: staged.dedupeKey, reason: verdict.reason },
        'staged reminder failed: the release check cannot read it',
      );
    }
    for (const { staged, verdict } of withdrawn) {
      const line = {
        requestId: staged.requestId,
        eventId: staged.eventId,
        dedupeKey: staged.dedupeKey,
        verdict: verdict.verdict,
        reason: verdict.reason,
      };
      if (verdict.verdict === 'missed') this.logger.warn(line, 'staged reminder withdrawn: missed');
      else this.logger.info(line, `staged reminder withdrawn: ${verdict.verdict}`);
    }
    if (released.length > 0) this.track(this.delivery.deliverClaimed(released.flatMap((request) => request.rows)));
    this.logger.debug({ taken, released: released.length, withdrawn: withdrawn.length }, 'staged reminders released');
    return taken;
  }

  /**
   * Scheduling's verdicts on the staged reminders, by request id (`MAX_RELEASE_CHECK` a request).
   * A request scheduling refuses as unreadable (`invalid_input`) is asked again one reminder at a
   * time, so that one corrupted row is found and failed (`unreadable`) instead of holding back
   * every reminder due after it; any other failure fails the pass.
   */
  private async check(reminders: StagedReminderDto[]): Promise<Map<string, ReleaseVerdict>> {
    const chunks: StagedReminderDto[][] = [];
    for (let start = 0; start < reminders.length; start += MAX_RELEASE_CHECK)
      chunks.push(reminders.slice(start, start + MAX_RELEASE_CHECK));
    const answers = await Promise.all(chunks.map((chunk) => this.checkChunk(chunk)));
    return new Map(answers.flatMap((answer) => [...answer]));
  }

  private async checkChunk(chunk: StagedReminderDto[]): Promise<Map<string, ReleaseVerdict>> {
    try {
      const check: ReminderReleaseCheck = { reminders: chunk };
      return verdictsByRequest(chunk, await this.rpc.request<unknown>(SERVICE.scheduling, SCHEDULING_REQUEST.checkReminderReleases, check));
    } catch (error) {
      if (!(error instanceof RemoteServiceError && error.code === 'invalid_input')) throw error;
      if (chunk.length === 1)
        return new Map([[chunk[0].requestId, { requestId: chunk[0].requestId, verdict: 'unreadable', reason: error.message }]]);
      const alone: Map<string, ReleaseVerdict>[] = [];
      for (const staged of chunk) alone.push(await this.checkChunk([staged]));
      return new Map(alone.flatMap((answer) => [...answer]));
    }
  }

  /**
   * Fails staged reminders the release check cannot read: their rows `failed` with the reason (the
   * console shows them), their `NotificationFailed` for the chatter, in the release's transaction.
   */
  private async fail(manager: EntityManager, unreadable: Unreadable[]): Promise<void> {
    if (unreadable.length === 0) return;
    const rows = unreadable.flatMap(({ rows, verdict }) =>
      rows.map((row) => ({ row, reason: `the release check could not read this staged reminder: ${verdict.reason}` })),
    );
    await this.notifications.markManyFailed(
      manager,
      rows.map(({ row, reason }) => ({ id: row.id, reason })),
    );
    await this.outbox.add(
      manager,
      rows.map(({ row, reason }): NewDomainEvent => {
        const payload: NotificationFailedPayload = { ...outcomeOf(row), status: 'failed', reason };
        return { type: DOMAIN_EVENT.NotificationFailed, eventId: row.eventId, payload };
      }),
    );
  }

  /** Deletes withdrawn staged rows and their landing tokens, with one statement. */
  private async withdraw(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.notifications.withdrawStaged(manager, ids);
  }

  private track(work: Promise<void>) {
    const tracked = work
      .catch((error) => this.logger.error({ err: error }, 'delivering released reminders failed; the delivery sweep settles them'))
      .finally(() => this.delivering.delete(tracked));
    this.delivering.add(tracked);
  }
}

/** What a released request's skipped-channel rows copy from one of its rows (they share them). */
function requestFields(row: ClaimedStagedRow): RequestFields {
  return {
    request_id: row.requestId,
    event_id: row.eventId,
    type: row.type,
    config_key: row.configKey,
    recipient_name: row.recipientName,
    recipient_email: row.recipientEmail,
    recipient_phone: row.recipientPhone,
    event_start: row.eventStart.toISOString(),
    reminder: row.reminder,
  };
}
