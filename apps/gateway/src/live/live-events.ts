import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { DomainEventFeed } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { LIVE_EVENT_TYPES, liveMessagesOf, LiveStream } from './live-stream';

/** How often an idle stream gets a comment line. */
export const LIVE_HEARTBEAT_MS = 15_000;

/**
 * `GET /api/live`'s source on this replica: one listener on the per-process domain event feed
 * (registered here, before the feed starts), fanning each event out to every open stream
 * (`LiveStream`), and one heartbeat timer for all of them.
 */
@Injectable()
export class LiveEvents implements BeforeApplicationShutdown {
  readonly stream = new LiveStream(randomBytes(6).toString('hex'));
  private readonly heartbeat: NodeJS.Timeout;

  constructor(feed: DomainEventFeed, @Inject(LOGGER) logger: Logger) {
    feed.listen({
      types: LIVE_EVENT_TYPES,
      onEvent: (envelope) => {
        for (const message of liveMessagesOf(envelope)) this.stream.publish(message);
      },
      onGap: () => this.stream.resync(),
    });
    this.heartbeat = setInterval(() => this.stream.heartbeat(), LIVE_HEARTBEAT_MS).unref();
    logger.debug({ replicaId: this.stream.replicaId }, 'live stream ready');
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    this.stream.endAll();
  }
}
