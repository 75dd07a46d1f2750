import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { timerJobId } from '@appointments/domain';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { RemindersRepository } from '../persistence/reminders.repository';
import { TimersRepository } from '../persistence/timers.repository';
import { ReminderConfig } from '../reminder.config';
import { DelayedJob, ReminderQueue, WAITING_STATES } from '../reminders/reminder-queue';
import { reminderJob } from '../schedule/reminder-schedule';

const PAGE = 5000;
const RETRY_AFTER_FAILURE_MS = 5000;

export interface ReconcileReport {
  scheduled: number;
  readded: number;
  orphansRemoved: number;
  ms: number;
}

/**
 * Makes Redis mirror Postgres again: on start, then every `REMINDER_RECONCILE_INTERVAL_SECONDS`
 * (5 s after a failed round, e.g. Redis down at start).
 *
 * 1. The ids of every waiting job (delayed, wait, paused, prioritized) and of failed jobs are read
 *    from Redis in chunks of 10,000 ids, never job by job.
 * 2. The scheduled reminders and timers are streamed from Postgres by id, 5,000 rows a page;
 *    each expects one job id. A missing one is re-added (`addBulk`, chunks of 1,000; one already
 *    due gets delay 0 and goes through the fire decision); a failed one is removed and re-added.
 * 3. Waiting jobs that no scheduled row expects (cancelled, fired, another start version,
 *    unknown) are removed.
 *
 * Redis is read before Postgres, so a job added after a commit is always matched by its row; a
 * job added between the two reads is at worst added again (same id: a no-op). Removal is only
 * housekeeping: a job fires nothing unless its row is scheduled for its start version.
 */
@Injectable()
export class ScheduleReconciliation implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  /** The last round's outcome, for logs and tests. */
  lastReport: ReconcileReport | null = null;

  constructor(
    private readonly config: ReminderConfig,
    private readonly reminders: RemindersRepository,
    private readonly timers: TimersRepository,
    private readonly jobs: ReminderQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.schedule(0);
  }

  async onApplicationShutdown() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.reconcile().then(
        () => this.schedule(this.config.REMINDER_RECONCILE_INTERVAL_SECONDS * 1000),
        (error: unknown) => {
          this.logger.warn({ err: error }, `reconcile failed; retrying in ${RETRY_AFTER_FAILURE_MS / 1000} s`);
          this.schedule(RETRY_AFTER_FAILURE_MS);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** One round (see the class comment). */
  async reconcile(): Promise<ReconcileReport> {
    const started = Date.now();
    const waiting = await this.jobs.jobIds(WAITING_STATES);
    const failed = await this.jobs.jobIds(['failed']);
    const expected = new Set<string>();
    let readded = 0;
    let scheduled = 0;

    const restore = async (jobs: DelayedJob[]) => {
      const missing = jobs.filter((job) => !waiting.has(job.jobId));
      const failedOnes = missing.filter((job) => failed.has(job.jobId)).map((job) => job.jobId);
      if (failedOnes.length) await this.jobs.remove(failedOnes);
      if (missing.length) await this.jobs.add(missing);
      readded += missing.length;
    };

    for (let after: string | null = null; ;) {
      const page = await this.reminders.scheduledPage(after, PAGE);
      if (page.length === 0) break;
      const jobs = page.map((row) => reminderJob(row, this.config.REMINDER_STAGE_AHEAD_SECONDS * 1000));
      jobs.forEach((job) => expected.add(job.jobId));
      scheduled += page.length;
      await restore(jobs);
      after = page[page.length - 1].id;
    }
    for (let after: string | null = null; ;) {
      const page = await this.timers.scheduledPage(after, PAGE);
      if (page.length === 0) break;
      const jobs: DelayedJob[] = page.map((timer) => ({
        name: 'timer',
        jobId: timerJobId(timer.runId),
        data: { timerKey: timer.key, runId: timer.runId },
        fireAt: timer.fireAt,
      }));
      jobs.forEach((job) => expected.add(job.jobId));
      scheduled += page.length;
      await restore(jobs);
      after = page[page.length - 1].key;
    }

    const orphans = [...waiting].filter((jobId) => !expected.has(jobId));
    await this.jobs.remove(orphans);
    const report = { scheduled, readded, orphansRemoved: orphans.length, ms: Date.now() - started };
    this.lastReport = report;
    if (readded > 0 || orphans.length > 0) this.logger.info(report, 'reconciled Redis with the schedule');
    else this.logger.debug(report, 'Redis matches the schedule');
    return report;
  }
}
