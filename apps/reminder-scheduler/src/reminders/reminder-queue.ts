import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicator } from '@appointments/observability';
import { Queue } from 'bullmq';
import { ReminderConfig } from '../reminder.config';

export const REMINDER_QUEUE = 'reminders';

/**
 * The BullMQ queue that will hold reminders as delayed jobs (the reminders issue). For now
 * it is opened at start so that ops see it on the dashboard and health covers it.
 */
@Injectable()
export class ReminderQueue implements HealthIndicator, OnApplicationShutdown {
  readonly name = 'reminder-queue';
  readonly queue: Queue;

  constructor(config: ReminderConfig) {
    const url = new URL(config.REDIS_URL);
    this.queue = new Queue(REMINDER_QUEUE, {
      prefix: config.REDIS_PREFIX,
      connection: { host: url.hostname, port: Number(url.port || 6379), password: url.password || undefined, maxRetriesPerRequest: null, enableOfflineQueue: false },
    });
    this.queue.on('error', () => undefined); // reported through check()
  }

  async check(): Promise<void> {
    await this.queue.getJobCounts('delayed');
  }

  async onApplicationShutdown() {
    await this.queue.close();
  }
}

@Module({ providers: [ReminderQueue], exports: [ReminderQueue] })
export class ReminderQueueModule {}
