import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT, ReminderDuePayload, TimerFiredPayload } from '@appointments/contracts';
import {
  decideFiring,
  decideTimerFiring,
  parseReminderJobId,
  reminderDedupeKey,
  ReminderJobRef,
  ReminderScheduleStatus,
} from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import { Job, Worker } from 'bullmq';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RemindersRepository } from '../persistence/reminders.repository';
import { TimersRepository } from '../persistence/timers.repository';
import { ReminderConfig } from '../reminder.config';
import { REMINDER_QUEUE, TimerJobData } from '../reminders/reminder-queue';

interface Pending {
  job: Job;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Fires due jobs (reminders and timers) from the BullMQ queue, in batches. A reminder's job is
 * due at its stage time (`REMINDER_STAGE_AHEAD_SECONDS` before the reminder is due, see
 * `reminderJob`): its `ReminderDue` makes scheduling stage it, and notification-dispatch sends it
 * at the due time. "Fired" means handed over to be sent; `missed` and `late` are still decided
 * against the reminder's own due time and the event's start.
 *
 * The worker holds up to `REMINDER_WORKER_CONCURRENCY` jobs; each job's processor only joins the
 * current batch and waits for it. A batch is fired when it holds `REMINDER_FIRE_BATCH_MAX` jobs or
 * `REMINDER_FIRE_BATCH_WAIT_MS` after its first job, in ONE transaction: the reminders are locked in
 * id order (`FOR UPDATE`), each is decided by `decideFiring` (stale start version or not scheduled:
 * nothing; before the start: `ReminderDue`, `late` past the threshold; at/after the start:
 * `missed`), the outcomes are written with one `UPDATE … FROM unnest`, the `ReminderDue` /
 * `TimerFired` events with one outbox insert; then it commits and the jobs complete. One
 * commit per batch, not per job, is what lets a 2-core machine fire ~1,700 reminders a second.
 *
 * Exactly once: a second process (or a job re-added by reconcile, or a stalled job processed
 * again) waits on the row lock and then finds the row `fired`; and `ReminderDue` carries
 * `dedupeKey` so that notification-dispatch refuses a repeat if a crash comes between the commit
 * and the job's completion. If the transaction fails, the jobs fail; reconcile re-adds the
 * reminders that are still scheduled.
 */
@Injectable()
export class DueJobFiring implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | null = null;
  private connection: Redis | null = null;
  private batch: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly config: ReminderConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reminders: RemindersRepository,
    private readonly timers: TimersRepository,
    private readonly outbox: DomainEventOutbox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    // ioredis retries for ever: with Redis down at start, the worker waits instead of crashing.
    this.connection = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined); // reported through health
    this.worker = new Worker(REMINDER_QUEUE, (job) => this.enqueue(job), {
      connection: this.connection,
      prefix: this.config.REDIS_PREFIX,
      concurrency: this.config.REMINDER_WORKER_CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.debug({ err: error }, 'reminder worker: Redis error'));
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ jobId: job?.id, err: error }, 'reminder job failed; reconcile re-adds it while it is scheduled'),
    );
  }

  async onApplicationShutdown() {
    await this.worker?.close();
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    this.connection?.disconnect();
  }

  private enqueue(job: Job): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ job, resolve, reject });
      if (this.batch.length >= this.config.REMINDER_FIRE_BATCH_MAX) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.config.REMINDER_FIRE_BATCH_WAIT_MS);
    });
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const running = this.fire(batch.map((pending) => pending.job)).then(
      () => batch.forEach((pending) => pending.resolve()),
      (error: unknown) => {
        this.logger.error({ err: error, jobs: batch.length }, 'could not fire a batch of due jobs');
        batch.forEach((pending) => pending.reject(error));
      },
    );
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
  }

  /** Fires one batch of due jobs in one transaction (see the class comment). */
  async fire(jobs: readonly Pick<Job, 'name' | 'data' | 'id'>[], now = new Date()): Promise<void> {
    const reminderJobs = jobs
      .filter((job) => job.name === 'reminder')
      .flatMap((job): ReminderJobRef[] => {
        const named = parseReminderJobId(job.id);
        if (!named) this.logger.error({ jobId: job.id }, 'reminder job with an id that names no reminder ignored');
        return named ? [named] : [];
      });
    const timerJobs = jobs.filter((job) => job.name === 'timer').map((job) => job.data as TimerJobData);
    const lateThresholdMs = this.config.REMINDER_LATE_THRESHOLD_SECONDS * 1000;
    const events: NewDomainEvent[] = [];
    const missed: { reminderId: string; eventId: string; reason: string }[] = [];
    let late = 0;
    let ignored = 0;
    await this.dataSource.transaction(async (manager) => {
      const rows = new Map(
        (
          await this.reminders.lockByIds(
            manager,
            reminderJobs.map((job) => job.reminderId),
          )
        ).map((row) => [row.id, row]),
      );
      const outcomes: { id: string; status: ReminderScheduleStatus; reason: string | null; firedAt: Date }[] = [];
      for (const job of reminderJobs) {
        const row = rows.get(job.reminderId) ?? null;
        const decision = decideFiring(row, job.startVersion, now, lateThresholdMs);
        if (!row || decision.outcome === 'none') {
          ignored += 1;
          continue;
        }
        if (decision.outcome === 'missed') {
          row.status = 'missed';
          outcomes.push({ id: row.id, status: 'missed', reason: decision.reason, firedAt: now });
          missed.push({ reminderId: row.id, eventId: row.eventId, reason: decision.reason });
          continue;
        }
        row.status = 'fired'; // a second job for the same reminder in this batch finds it fired
        if (decision.late) late += 1;
        outcomes.push({ id: row.id, status: 'fired', reason: null, firedAt: now });
        const payload: ReminderDuePayload = {
          reminderId: row.id,
          eventId: row.eventId,
          configKey: row.configKey,
          offsetMinutes: row.offsetMinutes,
          startVersion: row.startVersion,
          dueAt: row.dueAt.toISOString(),
          firedAt: now.toISOString(),
          dedupeKey: reminderDedupeKey(row.id, row.startVersion),
          late: decision.late,
        };
        events.push({ type: DOMAIN_EVENT.ReminderDue, eventId: row.eventId, payload });
      }
      await this.reminders.settle(manager, outcomes);

      const timers = new Map(
        (
          await this.timers.lock(
            manager,
            timerJobs.map((job) => job.timerKey),
          )
        ).map((row) => [row.key, row]),
      );
      const firedTimers: string[] = [];
      for (const job of timerJobs) {
        const row = timers.get(job.timerKey) ?? null;
        if (!decideTimerFiring(row, job.runId).fire || !row) {
          ignored += 1;
          continue;
        }
        row.status = 'fired';
        firedTimers.push(row.key);
        const payload: TimerFiredPayload = {
          key: row.key,
          kind: row.kind,
          eventId: row.eventId,
          fireAt: row.fireAt.toISOString(),
          firedAt: now.toISOString(),
          data: row.data,
        };
        events.push({ type: DOMAIN_EVENT.TimerFired, eventId: row.eventId, payload });
      }
      await this.timers.markFired(manager, firedTimers, now);
      await this.outbox.add(manager, events);
    });
    for (const item of missed) this.logger.warn(item, 'reminder missed: fired at or after the event start; not sent');
    if (late > 0) this.logger.info({ late }, 'reminders fired late (after recovery), before their events start: sent with late: true');
    this.logger.debug({ jobs: jobs.length, published: events.length, missed: missed.length, ignored }, 'fired a batch of due jobs');
  }
}
