import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicator } from '@appointments/observability';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
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

  async onApplicationShutdown() {
    await this.queue.close();
    this.connection.disconnect();
  }
}

@Module({ providers: [ReminderQueue], exports: [ReminderQueue] })
export class ReminderQueueModule {}
