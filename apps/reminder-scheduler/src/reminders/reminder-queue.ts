import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { BULLMQ_QUEUE } from '@appointments/contracts';
import { HealthIndicator } from '@appointments/observability';
import { JobType, Queue } from 'bullmq';
import Redis from 'ioredis';
import { ReminderConfig } from '../reminder.config';

export const REMINDER_QUEUE = BULLMQ_QUEUE.reminders;

/** What a timer job carries: which timer, which run of it. */
export interface TimerJobData {
  timerKey: string;
  runId: string;
}

/** One delayed job to put in Redis, and when it fires (a reminder's stage time, a timer's fire time). */
export type DelayedJob =
  { name: 'reminder'; jobId: string; fireAt: Date } | { name: 'timer'; jobId: string; data: TimerJobData; fireAt: Date };

/** The job set changes a transaction implies, applied after its commit. */
export interface JobChanges {
  add: DelayedJob[];
  remove: string[];
}

/** The states in which a job waits to fire (reconcile compares these with the schedule). */
export const WAITING_STATES: JobType[] = ['delayed', 'wait', 'paused', 'prioritized'];

const ADD_CHUNK = 1000;
const READ_CHUNK = 10_000;
const REMOVE_PARALLEL = 200;
/** Failed jobs kept for ops (bull-board) and for reconcile to retry; older ones are dropped. */
const KEEP_FAILED = 1000;

/**
 * The BullMQ queue that mirrors the schedule as delayed jobs (prefix `REDIS_PREFIX`). Jobs are
 * tiny (a reminder's id is all it carries; a timer's data is `{timerKey, runId}`) and removed on completion, so a
 * pending reminder costs Redis a few hundred bytes. Adding a job id that exists is a no-op in
 * BullMQ, which makes every add here idempotent.
 */
@Injectable()
export class ReminderQueue implements HealthIndicator, OnApplicationShutdown {
  readonly name = 'reminder-queue';
  readonly queue: Queue;
  private readonly connection: Redis;

  constructor(config: ReminderConfig) {
    // The whole URL (user, password, database, rediss:// TLS) goes to ioredis as given.
    this.connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableOfflineQueue: false });
    this.connection.on('error', () => undefined); // reported through check()
    this.queue = new Queue(REMINDER_QUEUE, { prefix: config.REDIS_PREFIX, connection: this.connection });
    this.queue.on('error', () => undefined); // reported through check()
  }

  async check(): Promise<void> {
    await this.queue.getJobCounts('delayed');
  }

  /** Adds delayed jobs (in chunks of 1,000); a job whose time has come gets delay 0 and fires at once. */
  async add(jobs: readonly DelayedJob[], now = Date.now()): Promise<void> {
    for (let index = 0; index < jobs.length; index += ADD_CHUNK) {
      await this.queue.addBulk(
        jobs.slice(index, index + ADD_CHUNK).map((job) => ({
          name: job.name,
          data: job.name === 'timer' ? job.data : {},
          opts: {
            jobId: job.jobId,
            delay: Math.max(0, job.fireAt.getTime() - now),
            removeOnComplete: true,
            removeOnFail: { count: KEEP_FAILED },
          },
        })),
      );
    }
  }

  /** Removes jobs by id; a job that is gone already is fine, one being processed is left to finish (it re-checks Postgres). */
  async remove(jobIds: readonly string[]): Promise<void> {
    for (let index = 0; index < jobIds.length; index += REMOVE_PARALLEL) {
      await Promise.all(jobIds.slice(index, index + REMOVE_PARALLEL).map((jobId) => this.queue.remove(jobId)));
    }
  }

  async apply(changes: JobChanges): Promise<void> {
    // Removed first: a re-added job with the same id (booked again after a cancellation) must survive.
    if (changes.remove.length) await this.remove(changes.remove);
    if (changes.add.length) await this.add(changes.add);
  }

  /** The ids of every job in the given states, read in chunks of 10,000 ids (one round trip each), not job by job. */
  async jobIds(states: JobType[]): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const state of states) {
      for (let start = 0; ; start += READ_CHUNK) {
        const chunk = await this.queue.getRanges([state], start, start + READ_CHUNK - 1, true);
        for (const id of chunk) ids.add(id);
        if (chunk.length < READ_CHUNK) break;
      }
    }
    return ids;
  }

  async onApplicationShutdown() {
    await this.queue.close();
    this.connection.disconnect();
  }
}

@Module({ providers: [ReminderQueue], exports: [ReminderQueue] })
export class ReminderQueueModule {}
