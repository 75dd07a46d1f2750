import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import {
  CORRELATION_ATTRIBUTE,
  CORRELATION_HEADER,
  endSpan,
  extractTraceContext,
  runWithCorrelation,
  sanitiseCorrelationId,
  Span,
  SpanKind,
  startSpan,
  tracingEnabled,
  withSpan,
} from '@appointments/observability';
import { quoteIdentifier } from '@appointments/persistence';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { lastValueFrom } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import { AmqpConnection, MessageReturned } from './amqp-connection';
import { DomainEventEnvelope, parseDomainEvents, ReceivedDomainEvent } from './domain-event';
import { batchRuns } from './batch-runs';
import { ConsumerTransaction, DomainEventBatchContext, DomainEventContext, RpcRequestContext } from './domain-event-context';
import { isPermanentFailure, toErrorShape } from './failure-policy';
import type { ConsumerMetrics } from './messaging-metrics';
import { MessagingNames } from './naming';
import { assertDomainEventsExchange } from './topology';
import { DomainEventOutbox, PACKED_EVENTS_HEADER } from './outbox';

export interface AmqpServerOptions {
  service: string;
  names: MessagingNames;
  connection: AmqpConnection;
  logger: Logger;
  prefetch: number;
  /** How long the first domain event of a batch may wait for others (0: the next turn of the event loop). */
  batchLingerMs?: number;
  /** Batches of domain events handled at once, each its own transaction (default 4). */
  concurrentBatches?: number;
  /** Delay before each retry of a failed message; its length is the number of retries. */
  retryDelaysMs: number[];
  /** Needed for `@EventPattern` handlers: the idempotency record and the handler's effect share one transaction. */
  dataSource?: DataSource;
  schema?: string;
  outbox?: DomainEventOutbox;
  /** Handling time and lag per event type, observed as each event is settled. */
  consumerMetrics?: ConsumerMetrics;
}

const ATTEMPT_HEADER = 'x-attempt';
/** Where the message was first published; a retry comes back through the default exchange, so it is kept here. */
const ORIGINAL_EXCHANGE_HEADER = 'x-original-exchange';
const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';
/** Deliveries the broker allows before dead-lettering by itself: the guard against crash loops. */
const DELIVERY_LIMIT = 10;
/** How long a message whose failure could not be parked stays in hand before it goes back to its queue (at most). */
const MAX_REQUEUE_DELAY_MS = 5000;

/** A message taken off the event queue: acknowledged once every domain event in it is settled. */
interface Delivery {
  channel: Channel;
  message: ConsumeMessage;
  /** Its events not settled yet (a pack's events may be handled in different batches). */
  unsettled: number;
  /** A failed event of it could not be parked (the broker is going away): the message goes back to the queue. */
  requeue: boolean;
  done: () => void;
}

/** One domain event waiting for a batch. */
interface PendingEvent {
  delivery: Delivery;
  received: ReceivedDomainEvent & { envelope: DomainEventEnvelope };
  /** `performance.now()` when it arrived. */
  arrivedAt: number;
  /** Set once it counts as settled for its delivery (settling twice would acknowledge too early). */
  settled?: boolean;
}

interface BatchItem {
  pending: PendingEvent;
  delivery: Delivery;
  envelope: DomainEventEnvelope;
  correlationId: string | undefined;
  outcome: 'applied' | 'duplicate' | { failed: unknown } | null;
  /** Its consumer span, when tracing is on: a child of the relay's publish, active while its handler runs. */
  span?: Span;
}

/** The span attribute that says what became of a domain event: `applied`, `duplicate` or `failed` (as in the metrics). */
const OUTCOME_ATTRIBUTE = 'appointments.message.outcome';

function correlationOf(message: ConsumeMessage) {
  return sanitiseCorrelationId(message.properties.headers?.[CORRELATION_HEADER]);
}

/**
 * A Nest custom transport over RabbitMQ, so services keep `@EventPattern` and
 * `@MessagePattern` handlers while the transport gives them what the stock RMQ transport
 * does not: manual acks after the database commit, idempotency, bounded retries, a
 * dead-letter queue and confirmed publishing. See the lib's README for the design.
 */
export class AmqpServer extends Server implements CustomTransportStrategy {
  private channels: Channel[] = [];
  private readonly consumerTags = new Map<Channel, string>();
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Messages waiting to go back to their queue (their failure could not be parked): each runs its nack. */
  private readonly requeues = new Set<() => void>();
  /** The retry and dead-letter queues being declared again (a parked copy came back unroutable). */
  private redeclaring: Promise<void> | null = null;

  private readonly concurrentBatches: number;
  private readonly requeueDelayMs: number;

  constructor(private readonly options: AmqpServerOptions) {
    super();
    this.concurrentBatches = Math.max(1, options.concurrentBatches ?? 4);
    this.requeueDelayMs = Math.min(options.retryDelaysMs[0] ?? 1000, MAX_REQUEUE_DELAY_MS);
  }

  listen(callback: (error?: unknown) => void) {
    this.options.connection
      .onConnected((connection) => this.setup(connection))
      .then(
        () => callback(),
        (error) => callback(error),
      );
  }

  async close() {
    this.closing = true;
    const channels = this.channels;
    this.channels = [];
    await Promise.all(
      channels.map(async (channel) => {
        // Stop taking new messages, finish the ones in hand, then close.
        const tag = this.consumerTags.get(channel);
        if (tag) await channel.cancel(tag).catch(() => undefined);
      }),
    );
    // Messages waiting to be requeued go back now (closing requeues at once from here on).
    for (const requeue of [...this.requeues]) requeue();
    await Promise.allSettled([...this.inFlight]);
    await Promise.all(channels.map((channel) => channel.close().catch(() => undefined)));
  }

  on(): never {
    throw new Error('AmqpServer does not emit transport events; see the logs');
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }

  /** The patterns of the `@EventPattern` handlers: the routing keys the event queue is bound to. */
  eventPatterns(): string[] {
    return [...this.messageHandlers].filter(([, handler]) => handler.isEventHandler).map(([pattern]) => pattern);
  }

  rpcPatterns(): string[] {
    return [...this.messageHandlers].filter(([, handler]) => !handler.isEventHandler).map(([pattern]) => pattern);
  }

  private async setup(connection: ChannelModel) {
    if (this.closing) return;
    const { names, service, prefetch } = this.options;
    const eventPatterns = this.eventPatterns();
    if (eventPatterns.length > 0) {
      if (!this.options.dataSource || !this.options.schema) {
        throw new Error(`${service} has event handlers but no database for idempotent consumption`);
      }
      const channel = await this.openChannel(connection, prefetch);
      const queue = names.eventQueue(service);
      const deadLetters = names.deadLetterQueue(service);
      await assertDomainEventsExchange(channel, names);
      await this.declareParkingQueues(channel);
      await channel.assertQueue(queue, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': DELIVERY_LIMIT,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': deadLetters,
        },
      });
      for (const pattern of eventPatterns) await channel.bindQueue(queue, names.exchange, pattern);
      const { consumerTag } = await channel.consume(
        queue,
        (message) => (message ? this.track(this.onDomainEvent(channel, message)) : this.consumerLost(queue, 'cancelled by the broker')),
        { noAck: false },
      );
      this.consumerTags.set(channel, consumerTag);
    }
    const rpcPatterns = this.rpcPatterns();
    if (rpcPatterns.length > 0) {
      const channel = await this.openChannel(connection, prefetch);
      const queue = names.rpcQueue(service);
      await channel.assertQueue(queue, { durable: false, autoDelete: true });
      const { consumerTag } = await channel.consume(
        queue,
        (message) => (message ? this.track(this.onRequest(channel, message)) : this.consumerLost(queue, 'cancelled by the broker')),
        { noAck: false },
      );
      this.consumerTags.set(channel, consumerTag);
    }
    this.options.logger.info({ eventPatterns, rpcPatterns }, 'consuming from RabbitMQ');
  }

  /** The queues a failed message is parked on: the dead-letter queue and one retry queue per delay. */
  private async declareParkingQueues(channel: Channel) {
    const { names, service, retryDelaysMs } = this.options;
    await channel.assertQueue(names.deadLetterQueue(service), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const [index, delay] of retryDelaysMs.entries()) {
      await channel.assertQueue(names.retryQueue(service, index + 1), {
        durable: true,
        arguments: { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': names.eventQueue(service) },
      });
    }
  }

  /**
   * A parked copy came back unroutable: its queue is gone (deleted by hand, say). They are
   * declared again, on a channel of their own, so that the requeued message can be parked
   * when it comes back; one declaration at a time.
   */
  private redeclareParkingQueues() {
    if (this.redeclaring || this.closing) return;
    const { connection, logger } = this.options;
    this.redeclaring = (async () => {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined); // a failed declaration rejects below, and closes only this channel
      try {
        await this.declareParkingQueues(channel);
        const { names, service, retryDelaysMs } = this.options;
        const queues = [names.deadLetterQueue(service), ...retryDelaysMs.map((_, index) => names.retryQueue(service, index + 1))];
        logger.warn({ queues }, 'declared the retry and dead-letter queues again');
      } finally {
        await channel.close().catch(() => undefined);
      }
    })()
      .catch((error) => logger.error({ err: error }, 'could not declare the retry and dead-letter queues again'))
      .finally(() => {
        this.redeclaring = null;
      });
  }

  private async openChannel(connection: ChannelModel, prefetch: number) {
    const channel = await connection.createChannel();
    // A channel error closes the channel, and its consumer with it, while the connection stays up.
    channel.on('error', (error) => this.consumerLost(null, `its channel was closed: ${String((error as Error)?.message ?? error)}`));
    await channel.prefetch(prefetch);
    this.channels.push(channel);
    channel.on('close', () => {
      this.channels = this.channels.filter((open) => open !== channel);
      this.consumerTags.delete(channel);
    });
    return channel;
  }

  /**
   * A consumer is gone while the connection is up (the broker cancelled it, e.g. its queue was
   * deleted, or closed its channel on an error). The connection is set up again from scratch:
   * queues declared, consumers started; unacknowledged messages come back from the broker.
   */
  private consumerLost(queue: string | null, reason: string) {
    if (this.closing) return;
    this.options.logger.error({ queue, reason }, 'consumer lost');
    this.options.connection.recover(queue ? `consumer of ${queue} ${reason}` : `a consumer channel: ${reason}`);
  }

  private track(work: Promise<void>) {
    // Never an unhandled rejection (which would end the process): log, and let the broker redeliver.
    const tracked = work
      .catch((error) => this.options.logger.error({ err: error }, 'message handling failed unexpectedly'))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * Domain events are handled in batches: whatever has arrived (up to the prefetch, counted
   * in events: a message may be a pack of them) goes into one transaction, each message
   * inside its own savepoint with its idempotency record. One commit then covers many
   * messages, which is where a consumer's time goes (the commit waits for the WAL to reach
   * the disk). A failing event rolls back to its savepoint alone and is retried or
   * dead-lettered as usual (a packed one as a message of its own); the others commit. A
   * message is acknowledged when all of its events are settled.
   */
  private onDomainEvent(channel: Channel, message: ConsumeMessage): Promise<void> {
    return new Promise<void>((resolve) => {
      let received: ReceivedDomainEvent[];
      try {
        received = parseDomainEvents(message.content);
      } catch (error) {
        void this.parkWhole(channel, message, error).finally(resolve);
        return;
      }
      const delivery: Delivery = { channel, message, unsettled: received.length, requeue: false, done: resolve };
      const arrivedAt = performance.now();
      for (const event of received) {
        if (event.envelope) this.batch.push({ delivery, received: event as PendingEvent['received'], arrivedAt });
        // An element of a pack that is no domain event: dead-lettered alone.
        else void this.park(delivery, event, null, event.error).then((parked) => this.settle(delivery, parked));
      }
      this.scheduleBatch();
    });
  }

  private batch: PendingEvent[] = [];
  private batchesRunning = 0;
  private batchScheduled = false;

  private scheduleBatch() {
    if (this.batchScheduled || this.batchesRunning >= this.concurrentBatches || this.batch.length === 0) return;
    this.batchScheduled = true;
    const take = () => {
      this.batchScheduled = false;
      if (this.batchesRunning >= this.concurrentBatches || this.batch.length === 0) return;
      const taken = this.batch.splice(0, this.options.prefetch);
      this.batchesRunning += 1;
      void this.handleBatch(taken)
        .catch((error) => this.options.logger.error({ err: error }, 'domain event batch failed unexpectedly'))
        .finally(() => {
          // Whatever an unexpected failure left unsettled goes back to the queue (and its
          // message is released, so that a shutdown waiting for it does not hang).
          for (const pending of taken) if (!pending.settled) this.settleEvent(pending, false);
          this.batchesRunning -= 1;
          this.scheduleBatch();
        });
    };
    // The first message of a batch waits up to `batchLingerMs` for the rest of its burst (a
    // relay publishes a committed group at once, but the frames arrive in separate reads);
    // a message that has waited that long already, or a full batch, goes at the next turn
    // of the event loop, with whatever is in the socket's buffer by then.
    const lingerLeft = (this.options.batchLingerMs ?? 0) - (performance.now() - this.batch[0].arrivedAt);
    if (lingerLeft > 0 && this.batch.length < this.options.prefetch) setTimeout(take, Math.ceil(lingerLeft));
    else setImmediate(take);
  }

  /** A batched event is settled (once: see `PendingEvent.settled`). */
  private settleEvent(pending: PendingEvent, parked: boolean) {
    if (pending.settled) return;
    pending.settled = true;
    this.settle(pending.delivery, parked);
  }

  /** One event of the delivery is settled (`parked`: handled, or parked on a retry or dead-letter queue). */
  private settle(delivery: Delivery, parked: boolean) {
    if (!parked) delivery.requeue = true;
    delivery.unsettled -= 1;
    if (delivery.unsettled > 0) return;
    if (delivery.requeue && !this.closing) this.requeueLater(delivery);
    else this.release(delivery);
  }

  /**
   * A message with an event that could not be parked goes back to its queue after a pause
   * (the first retry delay, at most 5 s): at once, it would come straight back and fail the
   * same way in a tight loop. While the broker blocks publishers it stays in hand until the
   * block ends, rather than spend the deliveries the queue allows (`x-delivery-limit`).
   */
  private requeueLater(delivery: Delivery) {
    let timer: NodeJS.Timeout;
    const requeue = () => {
      clearTimeout(timer);
      if (this.options.connection.isBlocked && !this.closing) {
        timer = setTimeout(requeue, this.requeueDelayMs);
        return;
      }
      this.requeues.delete(requeue);
      this.release(delivery);
    };
    timer = setTimeout(requeue, this.requeueDelayMs);
    this.requeues.add(requeue);
  }

  /** Acknowledges the message, or returns it to its queue when one of its events could not be parked. */
  private release(delivery: Delivery) {
    // A failed ack (channel closed by a broker restart) must not send a message whose
    // effect has committed to the retry queue: the broker redelivers it and the
    // idempotency record turns the redelivery into a no-op.
    try {
      if (delivery.requeue) delivery.channel.nack(delivery.message, false, true);
      else delivery.channel.ack(delivery.message);
    } catch (error) {
      this.options.logger.warn(
        { err: error, messageId: delivery.message.properties.messageId },
        'could not settle a message with the broker; it will be redelivered and its handled events skipped',
      );
    }
    delivery.done();
  }

  private async handleBatch(taken: PendingEvent[]): Promise<void> {
    const { logger } = this.options;
    const items: BatchItem[] = taken.map((pending) => ({
      pending,
      delivery: pending.delivery,
      envelope: pending.received.envelope,
      correlationId: pending.received.correlationId ?? correlationOf(pending.delivery.message),
      outcome: null,
    }));
    if (tracingEnabled()) for (const item of items) item.span = this.processSpan(item);
    const afterCommit: (() => Promise<void>)[] = [];
    try {
      await this.applyBatch(items, afterCommit);
    } catch (error) {
      // The transaction failed (a handler that ran without a savepoint, the commit, the
      // connection): nothing of the batch is applied.
      if (items.length > 1) {
        for (const item of items) if (item.span) endSpan(item.span.setAttribute(OUTCOME_ATTRIBUTE, 'batch_failed'), error);
        logger.warn({ err: error, messages: items.length }, 'batch failed; handling its messages one by one');
        for (const item of items) await this.handleBatch([item.pending]);
        return;
      }
      items[0].outcome = { failed: error };
      afterCommit.length = 0;
    }
    // After-commit work (a provider call, say) runs without holding the messages: their
    // effects are committed and durable, so acknowledging them now loses nothing.
    for (const work of afterCommit) {
      this.track(work().catch((error) => logger.error({ err: error }, 'after-commit work failed')));
    }
    for (const item of items) {
      const outcome = item.outcome!;
      if (outcome !== 'applied' && outcome !== 'duplicate') {
        const parked = await runWithCorrelation(item.correlationId, () =>
          this.park(item.delivery, item.pending.received, item.envelope, outcome.failed),
        );
        this.settleEvent(item.pending, parked);
        this.options.consumerMetrics?.settled(item.envelope.type, 'failed', item.pending.arrivedAt, item.envelope.occurredAt);
        if (item.span) endSpan(item.span.setAttribute(OUTCOME_ATTRIBUTE, 'failed'), outcome.failed);
        continue;
      }
      runWithCorrelation(item.correlationId, () =>
        logger.debug({ eventType: item.envelope.type, messageId: item.envelope.id, outcome }, 'domain event handled'),
      );
      this.settleEvent(item.pending, true);
      this.options.consumerMetrics?.settled(item.envelope.type, outcome, item.pending.arrivedAt, item.envelope.occurredAt);
      if (item.span) endSpan(item.span.setAttribute(OUTCOME_ATTRIBUTE, outcome));
    }
  }

  /** A domain event's consumer span: a child of the trace context its message carries (the relay's publish). */
  private processSpan(item: BatchItem): Span {
    const { message } = item.delivery;
    const attempt = message.properties.headers?.[ATTEMPT_HEADER];
    return startSpan(
      `process ${item.envelope.type}`,
      SpanKind.CONSUMER,
      {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': this.options.names.eventQueue(this.options.service),
        'messaging.consumer.group.name': this.options.service,
        'messaging.rabbitmq.destination.routing_key': item.envelope.type,
        'messaging.message.id': item.envelope.id,
        ...(typeof attempt === 'number' ? { 'messaging.rabbitmq.attempt': attempt } : {}),
        ...(item.correlationId ? { [CORRELATION_ATTRIBUTE]: item.correlationId } : {}),
      },
      extractTraceContext(message.properties.headers),
    );
  }

  /**
   * Runs the batch in one transaction. The messages of a type whose handler takes batches go
   * to it in one call per run (see `batchRuns`: messages about one event keep their order),
   * inside one savepoint, with all their message ids recorded in one statement; if that
   * fails, each of its messages is run again alone. Every other message runs in its own
   * savepoint. A known message id is skipped.
   */
  private async applyBatch(items: BatchItem[], afterCommit: (() => Promise<void>)[]): Promise<void> {
    const runs = batchRuns(
      items.map((item) => item.envelope),
      (type) => Boolean(this.handlerOf(type)?.extras?.batch),
    );
    await this.options.dataSource!.transaction(async (manager) => {
      // A batch that is one call (one message, or one run of a batch handler) needs no
      // savepoint: if it fails, the whole transaction rolls back, and `handleBatch` handles
      // each of its messages again on its own.
      const alone = runs.length === 1 && (runs[0].length === 1 || Boolean(this.handlerOf(items[runs[0][0]].envelope.type)?.extras?.batch));
      for (const indexes of runs) {
        const run = indexes.map((index) => items[index]);
        const handler = this.handlerOf(run[0].envelope.type);
        if (!handler) {
          for (const item of run) item.outcome = 'duplicate'; // not bound to this pattern any more (old binding): nothing to do
          continue;
        }
        if (alone) {
          await this.applyRun(manager, handler, run, afterCommit, { savepoint: false });
          continue;
        }
        if (handler.extras?.batch && run.length > 1 && (await this.applyRun(manager, handler, run, afterCommit))) continue;
        for (const item of run) await this.applyRun(manager, handler, [item], afterCommit);
      }
    });
  }

  /**
   * The handler registered for a pattern, looked up once per pattern: Nest's lookup tries
   * `JSON.parse` on every string pattern first, and a plain event type makes it throw.
   */
  private handlerOf(pattern: string): MessageHandler | undefined {
    if (!this.handlers.has(pattern)) this.handlers.set(pattern, this.getHandlerByPattern(pattern) ?? undefined);
    return this.handlers.get(pattern);
  }

  private readonly handlers = new Map<string, MessageHandler | undefined>();

  /**
   * One savepoint: records the ids, calls the handler with the new messages. False (rolled
   * back) when it fails. Without the savepoint (`savepoint: false`), a failure is thrown.
   */
  private async applyRun(
    manager: EntityManager,
    handler: MessageHandler,
    run: BatchItem[],
    afterCommit: (() => Promise<void>)[],
    { savepoint = true }: { savepoint?: boolean } = {},
  ): Promise<boolean> {
    const { schema, service, outbox } = this.options;
    const own: (() => Promise<void>)[] = [];
    const transaction: ConsumerTransaction = { manager, outbox: outbox ?? null, afterCommit: own };
    const single = run.length === 1 ? run[0] : null;
    if (savepoint) await manager.query('SAVEPOINT domain_event');
    try {
      const work = async () => {
        const inserted: { message_id: string }[] = await manager.query(
          `INSERT INTO ${quoteIdentifier(schema!)}.processed_messages (consumer, message_id)
           SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING message_id`,
          [service, run.map((item) => item.envelope.id)],
        );
        const fresh = new Set(inserted.map((row) => row.message_id));
        const applied: BatchItem[] = [];
        for (const item of run) {
          // delete: the same id twice in one run is applied once
          item.outcome = fresh.delete(item.envelope.id) ? 'applied' : 'duplicate';
          if (item.outcome === 'applied') applied.push(item);
        }
        if (applied.length === 0) return;
        if (handler.extras?.batch) {
          const context = new DomainEventBatchContext([
            applied.map((item) => item.envelope),
            applied.map((item) => item.correlationId),
            transaction,
          ]);
          await this.invoke(
            handler,
            applied.map((item) => item.envelope.payload),
            context,
          );
        } else {
          const item = applied[0];
          await this.invoke(handler, item.envelope.payload, new DomainEventContext([item.envelope, item.delivery.message, transaction]));
        }
      };
      // One event: its handler and its after-commit work run with its correlation id and, when
      // traced, inside its consumer span (what they publish continues its trace). A batch of
      // several runs with neither: they belong to several requests.
      const span = single?.span;
      await (single ? runWithCorrelation(single.correlationId, span ? () => withSpan(span, work) : work) : work());
      if (savepoint) await manager.query('RELEASE SAVEPOINT domain_event');
      const correlationId = single?.correlationId;
      afterCommit.push(
        ...own.map((task) => {
          const traced = span ? () => withSpan(span, task) : task;
          return correlationId ? () => runWithCorrelation(correlationId, traced) : traced;
        }),
      );
      return true;
    } catch (error) {
      if (!savepoint) throw error;
      await manager.query('ROLLBACK TO SAVEPOINT domain_event');
      for (const item of run) item.outcome = { failed: error };
      return false;
    }
  }

  /** A message whose body is unreadable as a whole: dead-lettered as it is, then acknowledged. */
  private async parkWhole(channel: Channel, message: ConsumeMessage, error: unknown) {
    const delivery: Delivery = { channel, message, unsettled: 1, requeue: false, done: () => undefined };
    this.settle(delivery, await this.park(delivery, null, null, error));
  }

  /**
   * Sends a failed event to its next retry queue, or to the dead-letter queue when it failed
   * for good or has no retry left. A message of one event goes as it came; an event of a
   * pack goes as a message of its own (its envelope, its id, its correlation id), so it is
   * retried and inspected alone. False when the broker did not take it.
   */
  private async park(
    delivery: Delivery,
    received: ReceivedDomainEvent | null,
    envelope: DomainEventEnvelope | null,
    error: unknown,
  ): Promise<boolean> {
    const { connection, names, service, retryDelaysMs, logger } = this.options;
    const { message } = delivery;
    const attempt = Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 0);
    const permanent = isPermanentFailure(error);
    const retry = !permanent && attempt < retryDelaysMs.length;
    const shape = toErrorShape(error);
    const context = { eventType: envelope?.type, messageId: envelope?.id ?? message.properties.messageId, attempt, err: error };
    const headers: Record<string, unknown> = { ...message.properties.headers };
    delete headers[PACKED_EVENTS_HEADER];
    const origin = {
      [ORIGINAL_EXCHANGE_HEADER]: headers[ORIGINAL_EXCHANGE_HEADER] ?? message.fields.exchange,
      [ORIGINAL_ROUTING_KEY_HEADER]: headers[ORIGINAL_ROUTING_KEY_HEADER] ?? message.fields.routingKey,
    };
    const alone = received?.packed
      ? {
          content: Buffer.from(JSON.stringify(received.raw), 'utf8'),
          properties: {
            ...message.properties,
            messageId: envelope?.id ?? message.properties.messageId,
            headers: { ...headers, ...(received.correlationId ? { [CORRELATION_HEADER]: received.correlationId } : {}) },
          },
        }
      : { content: message.content, properties: { ...message.properties, headers } };
    // `mandatory`: a copy sent to a queue that does not exist is returned rather than dropped
    // (the broker confirms it either way), and then the original must stay.
    const target = retry ? names.retryQueue(service, attempt + 1) : names.deadLetterQueue(service);
    try {
      if (retry) {
        await connection.publish('', target, alone.content, {
          ...alone.properties,
          mandatory: true,
          headers: { ...alone.properties.headers, ...origin, [ATTEMPT_HEADER]: attempt + 1, 'x-last-error': shape.message },
        });
        logger.warn({ ...context, retryInMs: retryDelaysMs[attempt] }, 'handler failed; message will be retried');
      } else {
        await connection.publish('', target, alone.content, {
          ...alone.properties,
          mandatory: true,
          headers: {
            ...alone.properties.headers,
            ...origin,
            'x-dead-letter-reason': permanent ? 'rejected' : 'retries-exhausted',
            'x-error-code': shape.code,
            'x-error-message': shape.message,
            'x-failed-at': new Date().toISOString(),
            'x-consumer': service,
          },
        });
        logger.error({ ...context, permanent }, 'message dead-lettered');
      }
      return true;
    } catch (publishError) {
      // Not parked (the broker went away, blocks publishers, did not confirm in time, or
      // returned the copy): the original is not acknowledged; it goes back to its queue and
      // is tried again. A returned copy means its queue is gone: it is declared again.
      const returned = publishError instanceof MessageReturned;
      logger[returned ? 'error' : 'warn'](
        {
          ...context,
          err: publishError,
          handlerError: shape.message,
          queue: names.eventQueue(service),
          target,
          requeueInMs: this.requeueDelayMs,
        },
        `could not park a failed message on ${target}; it goes back to ${names.eventQueue(service)} and is tried again`,
      );
      if (returned) this.redeclareParkingQueues();
      return false;
    }
  }

  private async onRequest(channel: Channel, message: ConsumeMessage): Promise<void> {
    const correlationId = sanitiseCorrelationId(message.properties.headers?.[CORRELATION_HEADER]);
    // Traced: a server span, child of the caller's client span (its context travels in the request's headers).
    const span = tracingEnabled() ? this.requestSpan(message, correlationId) : null;
    let failure: unknown;
    const serve = async () => {
      const { replyTo, correlationId: requestId, type: pattern } = message.properties;
      let reply: unknown;
      try {
        const handler = typeof pattern === 'string' ? this.handlerOf(pattern) : null;
        if (!handler) throw Object.assign(new Error(`no handler for request ${String(pattern)}`), { code: 'not_found' });
        let payload: unknown;
        try {
          payload = JSON.parse(message.content.toString('utf8'));
        } catch {
          throw Object.assign(new Error('request body is not JSON'), { code: 'invalid_input' });
        }
        const data = await this.invoke(handler, payload, new RpcRequestContext([message]));
        reply = { ok: true, data: data ?? null };
      } catch (error) {
        const shape = toErrorShape(error);
        if (shape.code === 'internal') this.options.logger.error({ err: error, pattern }, 'request failed');
        else this.options.logger.info({ pattern, code: shape.code, reason: shape.message }, 'request refused');
        reply = {
          ok: false,
          error: shape.code === 'internal' ? { ...shape, message: `${this.options.service} failed to handle ${pattern}` } : shape,
        };
        if (span) {
          span.setAttribute('rpc.response.error_code', shape.code);
          if (shape.code === 'internal') failure = error;
        }
      }
      if (replyTo) {
        await this.options.connection
          .publish('', replyTo, Buffer.from(JSON.stringify(reply)), {
            correlationId: requestId,
            contentType: 'application/json',
            persistent: false,
          })
          .catch((error) => this.options.logger.warn({ err: error }, 'could not send a reply'));
      }
      try {
        channel.ack(message);
      } catch {
        /* channel closed meanwhile */
      }
    };
    await runWithCorrelation(correlationId, span ? () => withSpan(span, serve) : serve);
    if (span) endSpan(span, failure);
  }

  /** An RPC request's server span: a child of the trace context its headers carry (the caller's client span). */
  private requestSpan(message: ConsumeMessage, correlationId: string | undefined): Span {
    const pattern = typeof message.properties.type === 'string' ? message.properties.type : 'unknown';
    return startSpan(
      `${this.options.service} ${pattern}`,
      SpanKind.SERVER,
      {
        'messaging.system': 'rabbitmq',
        'messaging.destination.name': this.options.names.rpcQueue(this.options.service),
        'rpc.service': this.options.service,
        'rpc.method': pattern,
        ...(correlationId ? { [CORRELATION_ATTRIBUTE]: correlationId } : {}),
      },
      extractTraceContext(message.properties.headers),
    );
  }

  private async invoke(handler: MessageHandler, data: unknown, context: unknown): Promise<unknown> {
    const result = await handler(data, context);
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}
