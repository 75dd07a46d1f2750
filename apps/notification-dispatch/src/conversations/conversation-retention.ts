import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DispatchConfig } from '../dispatch.config';
import { retentionHorizon } from './conversation-rules';
import { ConversationsRepository } from '../persistence/conversations.repository';

export const PURGE_EVERY_MS = 60 * 60_000;
/** Messages removed per statement: a purge never holds a long lock or a huge transaction. */
const PURGE_BATCH = 5_000;

/**
 * The conversations' retention (`CONVERSATION_RETENTION_DAYS`; 0, the default, keeps every
 * message): hourly, messages older than that are removed, then the conversations left empty.
 * A purge that fails is logged and tried again the next hour.
 */
@Injectable()
export class ConversationRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    if (this.config.CONVERSATION_RETENTION_DAYS === 0) return;
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
    void this.purge();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  /** Answers how many messages were purged (0 when retention keeps everything). */
  async purge(now = new Date()): Promise<number> {
    const days = this.config.CONVERSATION_RETENTION_DAYS;
    const horizon = retentionHorizon(now, days);
    if (!horizon) return 0;
    try {
      const purged = await this.conversations.purgeBefore(horizon, PURGE_BATCH);
      if (purged > 0) this.logger.info({ purged, days }, 'old conversation messages purged');
      return purged;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not purge old conversation messages; trying again later');
      return 0;
    }
  }
}
