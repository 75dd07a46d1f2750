import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { CancelTimerCommand, StartTimerCommand } from '@appointments/contracts';
import { timerJobId } from '@appointments/domain';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { TimersRepository } from '../persistence/timers.repository';
import { JobChanges, ReminderQueue } from '../reminders/reminder-queue';

/**
 * The generic timer: "publish `TimerFired` at T unless cancelled". Postgres holds the timer (the
 * truth); each start is a new run (`run_id`), whose job id is `timer-<runId>`, so restarting a key
 * replaces the old job and a stale job never fires. The job is added or removed after the commit;
 * reconcile repairs Redis if that fails. A `fireAt` in the past fires at once.
 */
@Injectable()
export class Timers {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly timers: TimersRepository,
    private readonly jobs: ReminderQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(command: StartTimerCommand): Promise<{ key: string; fireAt: string }> {
    const runId = randomUUID();
    const fireAt = new Date(command.fireAt);
    const { replacedRunId } = await this.dataSource.transaction((manager) =>
      this.timers.start(manager, {
        key: command.key,
        runId,
        kind: command.kind,
        eventId: command.eventId ?? null,
        fireAt,
        data: command.data ?? {},
        status: 'scheduled',
      }),
    );
    await this.applyAfterCommit({
      remove: replacedRunId ? [timerJobId(replacedRunId)] : [],
      add: [{ name: 'timer', jobId: timerJobId(runId), data: { timerKey: command.key, runId }, fireAt }],
    });
    this.logger.info(
      { key: command.key, kind: command.kind, eventId: command.eventId, fireAt, replaced: Boolean(replacedRunId) },
      'timer started',
    );
    return { key: command.key, fireAt: fireAt.toISOString() };
  }

  async cancel(command: CancelTimerCommand): Promise<{ key: string; cancelled: boolean }> {
    const cancelled = await this.dataSource.transaction((manager) => this.timers.cancel(manager, command.key));
    if (cancelled) await this.applyAfterCommit({ add: [], remove: [timerJobId(cancelled.runId)] });
    this.logger.info(
      { key: command.key, cancelled: Boolean(cancelled) },
      cancelled ? 'timer cancelled' : 'timer not running; nothing to cancel',
    );
    return { key: command.key, cancelled: Boolean(cancelled) };
  }

  private async applyAfterCommit(changes: JobChanges) {
    try {
      await this.jobs.apply(changes);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not update the timer job in Redis; reconcile will repair it');
    }
  }
}
