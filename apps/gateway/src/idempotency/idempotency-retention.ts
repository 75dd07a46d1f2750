import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

export const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Deletes expired Idempotency-Keys hourly, so that the table holds about a day of keys. An
 * expired key already counts as unused (it is claimed afresh), so a late or failed purge
 * changes no answer; a failure is logged and tried again next hour.
 */
@Injectable()
export class IdempotencyRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly keys: IdempotencyKeysRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  async purge(): Promise<void> {
    try {
      const purged = await this.keys.purgeExpired();
      if (purged > 0) this.logger.info({ purged }, 'expired Idempotency-Keys purged');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not purge expired Idempotency-Keys; trying again later');
    }
  }
}
