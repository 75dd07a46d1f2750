import { SERVICE } from '@appointments/contracts';
import { OutboxRelay, RpcClient } from '@appointments/messaging';
import { eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { DueJobFiring } from '../../../apps/reminder-scheduler/src/firing/due-job-firing';
import { ScheduleReconciliation } from '../../../apps/reminder-scheduler/src/reconcile/schedule-reconciliation';
import { ReminderConfig } from '../../../apps/reminder-scheduler/src/reminder.config';
import { ReminderSchedulerModule } from '../../../apps/reminder-scheduler/src/reminder-scheduler.module';
import { ReminderQueue } from '../../../apps/reminder-scheduler/src/reminders/reminder-queue';
import { cleanUpInProcess, startInProcess } from '../in-process-service';

/**
 * reminder-scheduler started in this process exactly as its main.ts starts it, on a free port.
 * `start(environment)` with an existing environment starts a second instance on the same
 * database, namespace and Redis prefix (two scheduler processes). `stop()` closes one instance;
 * `cleanUp(environment)` removes the database, the queues and the prefix's Redis keys.
 */
export class ReminderService {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly environment: IsolatedEnvironment,
  ) {}

  static async start(
    environment: IsolatedEnvironment = isolatedEnvironment('reminders'),
    overrides: Record<string, string> = {},
  ): Promise<ReminderService> {
    const app = await startInProcess(
      environment,
      { service: SERVICE.reminderScheduler, configClass: ReminderConfig, module: (config) => ReminderSchedulerModule.register(config) },
      overrides,
    );
    return new ReminderService(app, environment);
  }

  get rpc(): RpcClient {
    return this.app.get(RpcClient);
  }
  get db(): DataSource {
    return this.app.get(DataSource);
  }
  get queue(): ReminderQueue {
    return this.app.get(ReminderQueue);
  }
  get firing(): DueJobFiring {
    return this.app.get(DueJobFiring);
  }
  get reconciliation(): ScheduleReconciliation {
    return this.app.get(ScheduleReconciliation);
  }

  async outboxDrained(): Promise<void> {
    const relay = this.app.get(OutboxRelay);
    await eventually(
      () => relay.backlog(),
      (backlog) => backlog === 0,
      { what: 'the outbox relay to publish every committed event' },
    );
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
  }

  /** Every Redis key under the run's prefix, deleted (the test's FLUSHALL: this Redis is shared). */
  static async deleteRedisKeys(environment: IsolatedEnvironment): Promise<number> {
    const redis = new Redis(environment.env.REDIS_URL);
    let deleted = 0;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${environment.redisPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    return deleted;
  }

  static async cleanUp(environment: IsolatedEnvironment): Promise<void> {
    await ReminderService.deleteRedisKeys(environment);
    await cleanUpInProcess(environment, [SERVICE.reminderScheduler]);
  }
}
