import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ServiceConfig } from '@appointments/config';
import Redis from 'ioredis';
import type { HealthIndicator } from './health';

/** Reports whether Redis answers PING. One lazy connection per process. */
@Injectable()
export class RedisHealthIndicator implements HealthIndicator, OnModuleDestroy {
  readonly name = 'redis';
  private readonly redis: Redis;

  constructor(config: ServiceConfig) {
    this.redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // state is reported through check()
  }

  async check(): Promise<void> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
    await this.redis.ping();
  }

  async onModuleDestroy() {
    this.redis.disconnect();
  }
}
