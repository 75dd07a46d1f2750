import { cachedFor, LATENCY_BUCKETS, ServiceMetrics } from '@appointments/observability';
import type { Histogram } from 'prom-client';
import { AmqpConnection } from './amqp-connection';
import { MessagingNames } from './naming';
import { OutboxRelay } from './outbox-relay';

/** How long a gauge read on scrape (a database count, a broker queue check) is kept. */
export const SCRAPE_CACHE_MS = 5000;

/** Buckets (seconds) of consumer lag: from 5 ms to 10 minutes (a backlog after an outage). */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

type EventLabels = 'event_type' | 'outcome';

/**
 * What a consumer measures of each domain event it settles, by event type: its handling time
 * (from its arrival in this process, through the batch's wait and transaction, to its outcome)
 * and its lag (from when it happened, `occurredAt`, to its outcome: the outbox, the relay and the
 * queue included). Two observes per event, on labelled children kept per (type, outcome).
 */
export class ConsumerMetrics {
  private readonly handling: Histogram<EventLabels>;
  private readonly lag: Histogram<EventLabels>;
  private readonly children = new Map<string, { handling: Histogram.Internal<EventLabels>; lag: Histogram.Internal<EventLabels> }>();

  constructor(metrics: ServiceMetrics) {
    this.handling = metrics.histogram({
      name: 'messaging_event_handling_seconds',
      help: 'Time from a domain event arriving at the consumer to its outcome (applied, duplicate, failed), by event type',
      labelNames: ['event_type', 'outcome'],
      buckets: LATENCY_BUCKETS,
    });
    this.lag = metrics.histogram({
      name: 'messaging_event_lag_seconds',
      help: 'Time from a domain event happening (its occurredAt) to its outcome at the consumer, by event type',
      labelNames: ['event_type', 'outcome'],
      buckets: LAG_BUCKETS,
    });
  }

  /** One event settled: `arrivedAt` is `performance.now()` when it arrived, `occurredAt` its envelope's ISO time. */
  settled(eventType: string, outcome: 'applied' | 'duplicate' | 'failed', arrivedAt: number, occurredAt: string, now = Date.now()): void {
    const key = `${eventType} ${outcome}`;
    let child = this.children.get(key);
    if (!child) {
      const labels = { event_type: eventType, outcome };
      child = { handling: this.handling.labels(labels), lag: this.lag.labels(labels) };
      this.children.set(key, child);
    }
    child.handling.observe(Math.max(0, performance.now() - arrivedAt) / 1000);
    const occurred = Date.parse(occurredAt);
    if (Number.isFinite(occurred)) child.lag.observe(Math.max(0, now - occurred) / 1000);
  }
}

/**
 * The outbox's backlog (unpublished rows) and the age of its oldest row, read on scrape with one
 * cheap statement (the partial index of unpublished rows), kept `SCRAPE_CACHE_MS`.
 */
export function registerOutboxMetrics(metrics: ServiceMetrics, relay: OutboxRelay): void {
  const read = cachedFor(SCRAPE_CACHE_MS, () => relay.unpublished());
  metrics.gauge({
    name: 'outbox_backlog_messages',
    help: 'Outbox rows committed and not yet published to RabbitMQ',
    async collect() {
      this.set((await read()).count);
    },
  });
  metrics.gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none waits)',
    async collect() {
      this.set((await read()).oldestAgeSeconds);
    },
  });
}

/**
 * The depth of the service's dead-letter queue, read on scrape with a passive queue check on a
 * channel of its own (a queue that is missing closes only that channel), kept `SCRAPE_CACHE_MS`.
 * Reported only for a service that consumes domain events (`hasEventQueue`), and left out of a
 * scrape while the broker cannot say.
 */
export function registerDeadLetterMetrics(
  metrics: ServiceMetrics,
  connection: AmqpConnection,
  names: MessagingNames,
  service: string,
  hasEventQueue: () => boolean,
): void {
  const queue = names.deadLetterQueue(service);
  const read = cachedFor(SCRAPE_CACHE_MS, async (): Promise<number | null> => {
    if (!hasEventQueue() || !connection.isConnected) return null;
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // a missing queue closes the channel with 404: reported as unknown below
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } catch {
      return null;
    } finally {
      await channel.close().catch(() => undefined);
    }
  });
  metrics.gauge({
    name: 'messaging_dead_letter_messages',
    help: "Messages parked in the service's dead-letter queue",
    labelNames: ['queue'],
    async collect() {
      this.reset();
      const depth = await read().catch(() => null);
      if (depth !== null) this.set({ queue }, depth);
    },
  });
}
