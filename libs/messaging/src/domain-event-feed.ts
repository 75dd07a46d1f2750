import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { AmqpConnection } from './amqp-connection';
import { DomainEventEnvelope, parseDomainEvents, ReceivedDomainEvent } from './domain-event';
import { MessagingNames } from './naming';
import { assertDomainEventsExchange } from './topology';

export interface DomainEventFeedListener {
  /** Routing keys (event types) to receive. */
  types: readonly string[];
  /** Called for each event of those types this process sees. Must not throw; must not change state that matters. */
  onEvent(envelope: DomainEventEnvelope): void;
  /**
   * Called whenever events may have been missed: at (re)connect, before the first event of
   * the new subscription. A cache drops everything it holds.
   */
  onGap(): void;
}

/**
 * A per-process view of the domain events, for what every replica must hear: cache
 * invalidation, live dashboards. Each process gets its own transient queue (server-named,
 * exclusive, auto-delete), bound to the listeners' types; messages are not acknowledged,
 * not retried and not de-duplicated, and whatever was published while the process was
 * disconnected is lost (listeners hear `onGap`). Never use it to change state: that is what a
 * service's durable, idempotent `@EventPattern` handlers are for.
 */
export class DomainEventFeed {
  private readonly listeners: DomainEventFeedListener[] = [];
  private started = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: MessagingNames,
    private readonly logger: Logger,
  ) {}

  /** Adds a listener; call before the application starts (subscriptions are set up once connected). */
  listen(listener: DomainEventFeedListener): void {
    if (this.started) throw new Error('DomainEventFeed.listen must be called before the feed starts');
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    if (this.started || this.listeners.length === 0) return;
    this.started = true;
    await this.connection.onConnected(async (connection) => {
      const channel = await connection.createChannel();
      channel.on('error', (error) => this.logger.warn({ err: error }, 'domain event feed channel error'));
      await assertDomainEventsExchange(channel, this.names);
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      const types = new Set(this.listeners.flatMap((listener) => listener.types));
      for (const type of types) await channel.bindQueue(queue, this.names.exchange, type);
      for (const listener of this.listeners) listener.onGap();
      await channel.consume(queue, (message) => message && this.deliver(message), { noAck: true });
      this.logger.info({ types: [...types] }, 'domain event feed subscribed');
    });
  }

  private deliver(message: ConsumeMessage) {
    let received: ReceivedDomainEvent[];
    try {
      received = parseDomainEvents(message.content);
    } catch (error) {
      this.logger.warn({ err: error, routingKey: message.fields.routingKey }, 'domain event feed: unreadable message ignored');
      return;
    }
    for (const { envelope, error } of received) {
      if (!envelope) {
        this.logger.warn({ err: error, routingKey: message.fields.routingKey }, 'domain event feed: unreadable event in a pack ignored');
        continue;
      }
      for (const listener of this.listeners) {
        if (!listener.types.includes(envelope.type)) continue;
        try {
          listener.onEvent(envelope);
        } catch (err) {
          this.logger.error({ err, type: envelope.type }, 'domain event feed listener failed');
        }
      }
    }
  }
}
