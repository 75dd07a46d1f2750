import { EventEmitter } from 'node:events';
import * as amqp from 'amqplib';
import type { Logger } from 'pino';

export type ConnectionSetup = (connection: amqp.ChannelModel) => Promise<void>;

/** Publishing was not possible: no connection to the broker right now, or the broker refused it. */
export class BrokerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailable';
  }
}

/**
 * A `mandatory` message the broker could not route to any queue (`basic.return`): it was
 * confirmed, but dropped. The queue it was meant for is missing.
 */
export class MessageReturned extends BrokerUnavailable {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
    readonly replyText: string,
  ) {
    super(
      `the broker could not route the message to ${exchange ? `exchange ${exchange}, key ${routingKey}` : `queue ${routingKey}`} (${replyText})`,
    );
    this.name = 'MessageReturned';
  }
}

export interface AmqpConnectionOptions {
  /** How long `publish` waits for the broker's confirm before it fails (default 10 s). */
  publishTimeoutMs?: number;
}

/** A `mandatory` publish waiting for its confirm: a `basic.return` that matches it marks it returned. */
interface MandatoryPublish {
  exchange: string;
  routingKey: string;
  messageId: unknown;
  content: Buffer;
  returned: string | null;
}

/**
 * One AMQP connection per process that comes back by itself. Nothing is buffered in
 * memory while the broker is away: `publish` fails fast (the outbox keeps the event and
 * retries), consumers are re-created by their setups after each reconnect.
 *
 * Publishing has a channel of its own (a confirm channel), never one a consumer uses, and
 * every publish is bounded: it fails when the broker does not confirm within
 * `publishTimeoutMs`, when it returns a `mandatory` message, and at once while the broker
 * blocks publishers (a memory or disk alarm, `connection.blocked`). Not publishing while
 * blocked keeps the connection itself unblocked, so consumers' acks still flow.
 */
export class AmqpConnection extends EventEmitter {
  private connection: amqp.ChannelModel | null = null;
  /** True once every setup has run on the current connection. */
  private ready = false;
  private publishChannel: Promise<amqp.ConfirmChannel> | null = null;
  private readonly setups: ConnectionSetup[] = [];
  private stopped = false;
  private retryDelayMs = 250;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Why the broker blocks publishers on the current connection; null while it does not. */
  private blockedReason: string | null = null;
  /** `mandatory` publishes of the current publish channel not confirmed yet. */
  private readonly mandatory = new Set<MandatoryPublish>();
  private readonly publishTimeoutMs: number;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly logger: Logger,
    options: AmqpConnectionOptions = {},
  ) {
    super();
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
  }

  get isConnected(): boolean {
    return this.connection !== null;
  }

  /** Connected and every setup (exchanges, queues, consumers) has run: the service can take messages. */
  get isReady(): boolean {
    return this.connection !== null && this.ready;
  }

  /** The broker blocks publishers (resource alarm): `publish` fails at once until it unblocks. */
  get isBlocked(): boolean {
    return this.blockedReason !== null;
  }

  /** A new channel on the current connection (for a client's own consumers, e.g. RPC replies). */
  async createChannel(): Promise<amqp.Channel> {
    if (!this.connection) throw new BrokerUnavailable('not connected to RabbitMQ');
    return this.connection.createChannel();
  }

  /**
   * Runs `setup` now if connected, and after every reconnect. Registered while a
   * connection is being set up, it runs once, as part of that setup.
   */
  async onConnected(setup: ConnectionSetup): Promise<void> {
    this.setups.push(setup);
    if (this.connection && this.ready) await setup(this.connection);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /** Resolves once connected and every setup (queues, consumers) has run. */
  waitUntilConnected(timeoutMs: number): Promise<void> {
    if (this.connection && this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connected', onConnected);
        reject(new BrokerUnavailable(`no connection to RabbitMQ within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('connected', onConnected);
    });
  }

  /**
   * Publishes persistently and resolves only once the broker has confirmed the message.
   * Fails with `BrokerUnavailable` when there is no connection, the broker blocks publishers,
   * nacks the message or does not confirm it within `publishTimeoutMs`; with `MessageReturned`
   * when the message is `mandatory` and no queue took it.
   */
  async publish(exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish = {}): Promise<void> {
    if (this.blockedReason !== null) throw new BrokerUnavailable(`RabbitMQ blocks publishers (${this.blockedReason})`);
    const channel = await this.getPublishChannel();
    const watched: MandatoryPublish | null = options.mandatory
      ? { exchange, routingKey, messageId: options.messageId, content, returned: null }
      : null;
    if (watched) this.mandatory.add(watched);
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (watched) this.mandatory.delete(watched);
        if (error) reject(error);
        else resolve();
      };
      // A confirm that comes after the timeout is ignored: the caller has treated the message as not sent.
      const timer = setTimeout(
        () => finish(new BrokerUnavailable(`the broker did not confirm the message within ${this.publishTimeoutMs} ms`)),
        this.publishTimeoutMs,
      );
      try {
        channel.publish(exchange, routingKey, content, { persistent: true, ...options }, (error) => {
          if (error) finish(new BrokerUnavailable(`broker did not confirm the message: ${String(error)}`));
          // The broker sends a message's basic.return before its basic.ack.
          else if (watched?.returned != null) finish(new MessageReturned(exchange, routingKey, watched.returned));
          else finish();
        });
      } catch (error) {
        // The channel closed under us (amqplib throws on a closed channel).
        finish(new BrokerUnavailable(`could not publish: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }

  /**
   * Drops the current connection and connects again, which runs every setup anew. For a
   * consumer that is gone while the connection stays up (the broker cancelled it, or closed
   * its channel on an error): without this the service would stay healthy and deaf.
   */
  recover(reason: string): void {
    const connection = this.connection;
    if (!connection || this.stopped) return;
    this.logger.error({ reason }, 'a consumer is gone; reconnecting to RabbitMQ to set it up again');
    // Its 'close' event takes the usual path (onClosed): reconnect, then every setup.
    void connection.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = null;
    this.ready = false;
    this.publishChannel = null;
    if (connection) await connection.close().catch(() => undefined);
  }

  private getPublishChannel(): Promise<amqp.ConfirmChannel> {
    const connection = this.connection;
    if (!connection) return Promise.reject(new BrokerUnavailable('not connected to RabbitMQ'));
    if (!this.publishChannel) {
      const created = connection.createConfirmChannel().then((channel) => {
        channel.on('error', (error) => this.logger.warn({ err: error }, 'publish channel error'));
        channel.on('close', () => {
          if (this.publishChannel === created) this.publishChannel = null;
        });
        channel.on('return', (message: amqp.Message) => this.onReturned(message));
        return channel;
      });
      created.catch(() => {
        if (this.publishChannel === created) this.publishChannel = null;
      });
      this.publishChannel = created;
    }
    return this.publishChannel;
  }

  /**
   * A `mandatory` message came back unroutable. The return carries the message, not its
   * publish's sequence number: it is matched by exchange, routing key, message id and body
   * (two identical messages returned are interchangeable).
   */
  private onReturned(message: amqp.Message) {
    const { exchange, routingKey, replyText } = message.fields as amqp.Message['fields'] & { replyText?: string };
    for (const pending of this.mandatory) {
      if (
        pending.returned === null &&
        pending.exchange === exchange &&
        pending.routingKey === routingKey &&
        pending.messageId === message.properties.messageId &&
        pending.content.equals(message.content)
      ) {
        pending.returned = replyText ?? 'NO_ROUTE';
        return;
      }
    }
  }

  private onBlocked(connection: amqp.ChannelModel, reason: string) {
    if (this.connection !== connection || this.blockedReason !== null) return;
    this.blockedReason = String(reason ?? 'resource alarm');
    this.logger.warn(
      { connection: this.name, reason: this.blockedReason },
      'RabbitMQ blocks publishers (resource alarm); publishing fails until it unblocks',
    );
    this.emit('blocked', this.blockedReason);
  }

  private onUnblocked(connection: amqp.ChannelModel) {
    if (this.connection !== connection || this.blockedReason === null) return;
    this.blockedReason = null;
    this.logger.info({ connection: this.name }, 'RabbitMQ unblocked publishers');
    this.emit('unblocked');
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      // noDelay: amqplib leaves Nagle's algorithm on, and a small frame (an RPC request or its
      // reply, an ack) then waits for the peer's delayed ACK: about 40 ms per round trip.
      const connection = await amqp.connect(this.url, { noDelay: true, clientProperties: { connection_name: this.name } });
      connection.on('error', (error) => this.logger.warn({ err: error }, 'AMQP connection error'));
      connection.on('close', () => this.onClosed(connection));
      connection.on('blocked', (reason: string) => this.onBlocked(connection, reason));
      connection.on('unblocked', () => this.onUnblocked(connection));
      this.connection = connection;
      this.ready = false;
      this.blockedReason = null;
      // By index: a setup registered while an earlier one runs is picked up here, once.
      for (let index = 0; index < this.setups.length; index++) await this.setups[index](connection);
      this.ready = true;
      this.retryDelayMs = 250;
      this.logger.info({ connection: this.name }, 'connected to RabbitMQ');
      this.emit('connected');
    } catch (error) {
      this.logger.warn({ err: error, retryInMs: this.retryDelayMs }, 'RabbitMQ unreachable; retrying');
      if (this.connection) {
        const failed = this.connection;
        this.connection = null;
        this.ready = false;
        this.publishChannel = null;
        await failed.close().catch(() => undefined);
      }
      this.scheduleReconnect();
    }
  }

  private onClosed(connection: amqp.ChannelModel) {
    if (this.connection !== connection) return;
    this.connection = null;
    this.ready = false;
    this.publishChannel = null;
    this.blockedReason = null; // a block is the connection's; a new one starts unblocked
    this.emit('disconnected');
    if (!this.stopped) {
      this.logger.warn('lost the RabbitMQ connection; reconnecting');
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect() {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }
}
