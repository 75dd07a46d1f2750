import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ServiceConfig } from '@appointments/config';
import { HealthIndicator, LOGGER, ServiceMetrics } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AmqpConnection } from './amqp-connection';
import { AmqpServer } from './amqp-server';
import { MessagingNames } from './naming';
import { assertDomainEventsExchange } from './topology';
import { DomainEventOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { RpcClient } from './rpc-client';
import { DomainEventFeed } from './domain-event-feed';
import { ConsumerMetrics, registerDeadLetterMetrics, registerOutboxMetrics } from './messaging-metrics';

export interface MessagingOptions {
  /** The service's name: its queues are `<service>.events` and `<service>.rpc`. */
  service: string;
  /** The service's PostgreSQL schema, when it publishes events (outbox) or consumes them (idempotency). */
  schema?: string;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** Reports whether the process holds a live connection to RabbitMQ. */
@Injectable()
export class BrokerHealthIndicator implements HealthIndicator {
  readonly name = 'broker';
  constructor(private readonly connection: AmqpConnection) {}
  async check(): Promise<void> {
    if (!this.connection.isConnected) throw new Error('not connected to RabbitMQ');
    // Healthy only once its queues and consumers exist: a caller trusting /health must not get 503s.
    if (!this.connection.isReady) throw new Error('connected to RabbitMQ, still declaring queues and consumers');
  }
}

/** The outbox and dead-letter gauges of the service's `/metrics` (read on scrape), when it has metrics. */
@Injectable()
class MessagingMetrics implements OnApplicationBootstrap {
  constructor(
    @Optional() @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics | null,
    @Optional() @Inject(OutboxRelay) private readonly relay: OutboxRelay | null,
    private readonly connection: AmqpConnection,
    private readonly names: MessagingNames,
    private readonly server: AmqpServer,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap() {
    if (!this.metrics) return;
    if (this.relay) registerOutboxMetrics(this.metrics, this.relay);
    registerDeadLetterMetrics(
      this.metrics,
      this.connection,
      this.names,
      this.options.service,
      () => this.server.eventPatterns().length > 0,
    );
  }
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: MessagingNames,
    // Explicit token: a union type is reflected as `Object` by some compilers (SWC), which
    // made Nest inject nothing here and the relay never started.
    @Optional() @Inject(OutboxRelay) private readonly relay: OutboxRelay | null,
    private readonly feed: DomainEventFeed,
  ) {}

  async onApplicationBootstrap() {
    // Declared on every (re)connect, before anything is published.
    await this.connection.onConnected(async (connection) => {
      const channel = await connection.createChannel();
      try {
        await assertDomainEventsExchange(channel, this.names);
      } finally {
        await channel.close().catch(() => undefined);
      }
    });
    this.relay?.start();
    await this.feed.start();
  }

  async onApplicationShutdown() {
    await this.relay?.stop();
    await this.connection.close();
  }
}

/**
 * Everything a service needs to talk over RabbitMQ, configured from `ServiceConfig`:
 * the connection, the transport server for its handlers, an RPC client, and (with a
 * schema) the transactional outbox and its relay. `main.ts` connects the server with
 * `app.connectMicroservice({ strategy: app.get(AmqpServer) })`.
 */
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    const withSchema = options.schema !== undefined;
    // One outbox for the service: handlers inject it, the transport hands it to event contexts.
    const outbox = withSchema ? new DomainEventOutbox(options.schema!, options.service) : undefined;
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: MessagingNames,
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => new MessagingNames(config.AMQP_NAMESPACE),
        },
        {
          provide: AmqpConnection,
          inject: [ServiceConfig, LOGGER],
          useFactory: (config: ServiceConfig, logger: Logger) => {
            const connection = new AmqpConnection(config.AMQP_URL, `${options.service}#${config.SERVICE_INSTANCE}`, logger, {
              publishTimeoutMs: config.AMQP_PUBLISH_TIMEOUT_MS,
            });
            connection.start();
            return connection;
          },
        },
        {
          provide: RpcClient,
          inject: [AmqpConnection, MessagingNames, ServiceConfig, LOGGER],
          useFactory: (connection: AmqpConnection, names: MessagingNames, config: ServiceConfig, logger: Logger) =>
            new RpcClient(connection, names, config.RPC_TIMEOUT_MS, logger),
        },
        {
          provide: DomainEventFeed,
          inject: [AmqpConnection, MessagingNames, LOGGER],
          useFactory: (connection: AmqpConnection, names: MessagingNames, logger: Logger) => new DomainEventFeed(connection, names, logger),
        },
        ...(withSchema
          ? [
              { provide: DomainEventOutbox, useValue: outbox },
              {
                provide: OutboxRelay,
                inject: [getDataSourceToken(), AmqpConnection, MessagingNames, ServiceConfig, LOGGER],
                useFactory: (
                  dataSource: DataSource,
                  connection: AmqpConnection,
                  names: MessagingNames,
                  config: ServiceConfig,
                  logger: Logger,
                ) =>
                  new OutboxRelay(
                    dataSource,
                    connection,
                    {
                      schema: options.schema!,
                      exchange: names.exchange,
                      databaseUrl: config.DATABASE_URL,
                      pollMs: config.OUTBOX_POLL_MS,
                    },
                    logger,
                  ),
              },
            ]
          : [{ provide: OutboxRelay, useValue: null }]),
        {
          provide: AmqpServer,
          inject: [
            AmqpConnection,
            MessagingNames,
            ServiceConfig,
            LOGGER,
            { token: getDataSourceToken(), optional: true },
            { token: ServiceMetrics, optional: true },
          ],
          useFactory: (
            connection: AmqpConnection,
            names: MessagingNames,
            config: ServiceConfig,
            logger: Logger,
            dataSource?: DataSource,
            metrics?: ServiceMetrics,
          ) =>
            new AmqpServer({
              service: options.service,
              names,
              connection,
              logger,
              prefetch: config.AMQP_PREFETCH,
              batchLingerMs: config.AMQP_BATCH_LINGER_MS,
              concurrentBatches: config.AMQP_CONCURRENT_BATCHES,
              retryDelaysMs: config.MESSAGE_RETRY_DELAYS_MS,
              dataSource: withSchema ? dataSource : undefined,
              schema: options.schema,
              outbox,
              consumerMetrics: metrics ? new ConsumerMetrics(metrics) : undefined,
            }),
        },
        BrokerHealthIndicator,
        MessagingLifecycle,
        MessagingMetrics,
      ],
      exports: [
        AmqpConnection,
        MessagingNames,
        RpcClient,
        DomainEventFeed,
        AmqpServer,
        BrokerHealthIndicator,
        OutboxRelay,
        ...(withSchema ? [DomainEventOutbox] : []),
      ],
    };
  }
}
