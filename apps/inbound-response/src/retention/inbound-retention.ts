import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource, LessThan } from 'typeorm';
import { ProviderCallbackEntity } from '../persistence/provider-callback.entity';
import { ReplyTargets } from '../sms/reply-targets';

/** Providers repeat a callback within hours (SendGrid retries for up to 72 hours); a week covers it. */
const KEEP_CALLBACK_KEYS_MS = 7 * 24 * 60 * 60_000;
export const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * inbound-response's one retention job, hourly, so that its bookkeeping tables do not grow
 * forever:
 * - provider callback keys, once no provider will repeat them (a key repeated after that
 *   would be published again; consumers only move a status forward, so it changes nothing);
 * - reply targets expired a while ago (`ReplyTargets.prune`): they answer no reply any more.
 * Each is tried on its own: one that fails is logged and tried again next hour.
 */
@Injectable()
export class InboundRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replyTargets: ReplyTargets,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  async prune(): Promise<void> {
    await this.pruneOne('provider callback keys', async () => {
      const { affected } = await this.dataSource
        .getRepository(ProviderCallbackEntity)
        .delete({ receivedAt: LessThan(new Date(Date.now() - KEEP_CALLBACK_KEYS_MS)) });
      return affected ?? 0;
    });
    await this.pruneOne('expired reply targets', () => this.replyTargets.prune(this.dataSource));
  }

  private async pruneOne(what: string, prune: () => Promise<number>): Promise<void> {
    try {
      const pruned = await prune();
      if (pruned > 0) this.logger.info({ pruned }, `old ${what} pruned`);
    } catch (error) {
      this.logger.warn({ err: error }, `could not prune old ${what}; trying again later`);
    }
  }
}
