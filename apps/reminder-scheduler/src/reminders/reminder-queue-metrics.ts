import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { cachedFor, ServiceMetrics } from '@appointments/observability';
import { REMINDER_QUEUE, ReminderQueue } from './reminder-queue';

/** The job states counted for `/metrics`. */
export const COUNTED_JOB_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'paused', 'completed', 'failed'] as const;

/** How long one read of the job counts serves scrapes. */
const SCRAPE_CACHE_MS = 5000;

/**
 * `bullmq_jobs{queue, state}`: the reminders queue's jobs per state, read on scrape (one Redis
 * round trip, `getJobCounts`), kept 5 s; left out of a scrape while Redis does not answer.
 */
@Injectable()
export class ReminderQueueMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly reminders: ReminderQueue,
  ) {}

  onApplicationBootstrap() {
    const read = cachedFor(SCRAPE_CACHE_MS, () => this.reminders.queue.getJobCounts(...COUNTED_JOB_STATES));
    this.metrics.gauge({
      name: 'bullmq_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'],
      async collect() {
        this.reset();
        const counts = await read().catch(() => null);
        if (!counts) return;
        for (const state of COUNTED_JOB_STATES) this.set({ queue: REMINDER_QUEUE, state }, counts[state] ?? 0);
      },
    });
  }
}
