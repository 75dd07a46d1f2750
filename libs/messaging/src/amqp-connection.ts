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
 * One AMQP connection per process that comes back by itself. Nothing is buffered in
 * memory while the broker is away: `publish` fails fast (the outbox keeps the event and
 * retries), consumers are re-created by their setups after each reconnect.
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

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  get isConnected(): boolean {
    return this.connection !== null;
  }

  /** Connected and every setup (exchanges, queues, consumers) has run: the service can take messages. */
  get isReady(): boolean {
    return this.connection !== null && this.ready;
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

  /** Publishes persistently and resolves only once the broker has confirmed the message. */
  async publish(exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish = {}): Promise<void> {
    const channel = await this.getPublishChannel();
    await new Promise<void>((resolve, reject) => {
      channel.publish(exchange, routingKey, content, { persistent: true, ...options }, (error) =>
        error ? reject(new BrokerUnavailable(`broker did not confirm the message: ${String(error)}`)) : resolve(),
      );
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
        return channel;
      });
      created.catch(() => {
        if (this.publishChannel === created) this.publishChannel = null;
      });
      this.publishChannel = created;
    }
    return this.publishChannel;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      // noDelay: amqplib leaves Nagle's algorithm on, and a small frame (an RPC request or its
      // reply, an ack) then waits for the peer's delayed ACK: about 40 ms per round trip.
      const connection = await amqp.connect(this.url, { noDelay: true, clientProperties: { connection_name: this.name } });
      connection.on('error', (error) => this.logger.warn({ err: error }, 'AMQP connection error'));
      connection.on('close', () => this.onClosed(connection));
      this.connection = connection;
      this.ready = false;
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
