import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { BULLMQ_QUEUE } from '@appointments/contracts';
import { LOGGER } from '@appointments/observability';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { GatewayConfig } from '../gateway.config';

/**
 * Every BullMQ queue of the system (`BULLMQ_QUEUE`), opened by the gateway for the ops
 * dashboard: the same names and `REDIS_PREFIX` as reminder-scheduler, which owns them. The
 * gateway never processes jobs; it only reads them and applies what ops ask (retry, promote,
 * clean). One Redis connection for all of them, opened like reminder-scheduler's: no offline
 * queue (a command while Redis is away fails at once instead of piling up), errors reported
 * in the log rather than thrown from an event emitter.
 */
@Injectable()
export class OpsQueues implements OnApplicationShutdown {
  readonly queues: Queue[];
  private readonly connection: Redis;
  private lastError: string | null = null;

  constructor(
    config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // The whole URL (user, password, database, rediss:// TLS) goes to ioredis as given.
    this.connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableOfflineQueue: false });
    this.connection.on('error', (error) => this.report(error));
    this.connection.on('ready', () => (this.lastError = null));
    this.queues = Object.values(BULLMQ_QUEUE).map((name) => {
      const queue = new Queue(name, { prefix: config.REDIS_PREFIX, connection: this.connection });
      queue.on('error', (error) => this.report(error));
      return queue;
    });
  }

  /** Logged once per distinct error while Redis is away, not once per reconnect attempt. */
  private report(error: Error) {
    if (error.message === this.lastError) return;
    this.lastError = error.message;
    this.logger.warn({ err: error }, 'ops dashboard: Redis error (the dashboard answers 500 until it is back)');
  }

  async onApplicationShutdown() {
    await Promise.allSettled(this.queues.map((queue) => queue.close()));
    this.connection.disconnect();
  }
}
