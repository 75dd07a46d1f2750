import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { ProviderCallbacksRepository } from '../persistence/provider-callbacks.repository';
import { ReplyTargetsRepository } from '../persistence/reply-targets.repository';
import { KEEP_EXPIRED_MS } from '../sms/reply-targets';

/** Providers repeat a callback within hours (SendGrid retries for up to 72 hours); a week covers it. */
const KEEP_CALLBACK_KEYS_MS = 7 * 24 * 60 * 60_000;
export const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * inbound-response's one retention job, hourly, so that its bookkeeping tables do not grow
 * forever:
 * - provider callback keys, once no provider will repeat them (a key repeated after that
 *   would be published again; consumers only move a status forward, so it changes nothing);
 * - reply targets expired longer than `KEEP_EXPIRED_MS`: they answer no reply any more.
 * Each is tried on its own: one that fails is logged and tried again next hour.
 */
@Injectable()
export class InboundRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly callbacks: ProviderCallbacksRepository,
    private readonly replyTargets: ReplyTargetsRepository,
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
    await this.pruneOne('provider callback keys', () => this.callbacks.pruneReceivedBefore(new Date(Date.now() - KEEP_CALLBACK_KEYS_MS)));
    await this.pruneOne('expired reply targets', () => this.replyTargets.pruneExpired(KEEP_EXPIRED_MS));
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
