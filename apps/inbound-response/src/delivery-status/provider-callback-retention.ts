import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource, LessThan } from 'typeorm';
import { ProviderCallbackEntity } from '../persistence/provider-callback.entity';

/** Providers repeat a callback within hours (SendGrid retries for up to 72 hours); a week covers it. */
const KEEP_MS = 7 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Forgets callback keys once no provider will repeat them, so the de-duplication table does
 * not grow with every delivery, open and click forever. A key repeated after that would be
 * published again; consumers only move a status forward, so it changes nothing.
 */
@Injectable()
export class ProviderCallbackRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  private async prune() {
    try {
      const { affected } = await this.dataSource.getRepository(ProviderCallbackEntity).delete({ receivedAt: LessThan(new Date(Date.now() - KEEP_MS)) });
      if (affected) this.logger.info({ pruned: affected }, 'old provider callback keys pruned');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not prune old provider callback keys; trying again later');
    }
  }
}
