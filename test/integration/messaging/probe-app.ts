import { Controller, DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ConfigModule, loadConfig, ServiceConfig } from '@appointments/config';
import { InvalidInput, NotFound } from '@appointments/domain';
import {
  AmqpConnection,
  AmqpServer,
  createMessagingTablesSql,
  DomainEventBatchContext,
  DomainEventContext,
  HANDLES_BATCHES,
  DomainEventOutbox,
  MessagingModule,
  MessagingNames,
  NewDomainEvent,
  OriginalErrorRpcFilter,
  OutboxRelay,
  RpcClient,
} from '@appointments/messaging';
import { createLogger, LoggerModule } from '@appointments/observability';
import { dropDatabase, PersistenceModule } from '@appointments/persistence';
import { deleteAmqpNamespace, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A small service, "probe", wired exactly as the real services are (config, logger,
 * persistence with migrations, MessagingModule, AmqpServer as a hybrid app), whose
 * handlers do what a test tells them through the payload.
 */

export const PROBE_SERVICE = 'probe';
export const PROBE_SCHEMA = 'probe';
export const PROBE_RETRY_DELAYS_MS = [100, 200];

export interface ProbeHappened {
  note: string;
  /** `transient`: throw an error no domain rule explains (retried); `invalid_input`: a permanent refusal. */
  fail?: 'transient' | 'invalid_input' | 'after_effect';
  /** Hold the transaction open this long before committing the effect (keeps messages in flight). */
  slowMs?: number;
  /** Hold the handler (and its batch slot) until the test calls `HandlerRuns.release()`. */
  hold?: boolean;
}

export interface ProbeEcho {
  text: string;
  /** Answer only after this long (to outlast the caller's timeout). */
  delayMs?: number;
  /** Refuse with the domain's NotFound. */
  refuse?: boolean;
}

export class ProbeSchema1700000000000 implements MigrationInterface {
  name = 'ProbeSchema1700000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of createMessagingTablesSql(PROBE_SCHEMA)) await runner.query(statement);
    await runner.query(`CREATE TABLE ${PROBE_SCHEMA}.effects (id serial PRIMARY KEY, message_id text, note text)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${PROBE_SCHEMA}.effects`);
  }
}

/** How often the ProbeHappened handler ran for each domain event id, committed or not. */
@Injectable()
export class HandlerRuns {
  private readonly runs = new Map<string, number>();
  record(id: string) {
    this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
  }
  of(id: string): number {
    return this.runs.get(id) ?? 0;
  }
  /** The message ids of each call of the batch handler, in order. */
  readonly batches: string[][] = [];
  /** Handlers waiting in `hold` now. */
  holding = 0;
  private waiting: (() => void)[] = [];
  async hold() {
    this.holding += 1;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.holding -= 1;
  }
  release() {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
  recordBatch(ids: string[]) {
    this.batches.push(ids);
    for (const id of ids) this.record(id);
  }
}

@Controller()
export class ProbeController {
  constructor(private readonly runs: HandlerRuns) {}

  @EventPattern('ProbeHappened')
  async onProbeHappened(@Payload() payload: ProbeHappened, @Ctx() context: DomainEventContext) {
    this.runs.record(context.envelope.id);
    if (payload.fail === 'transient') throw new Error('the probe store is unavailable');
    if (payload.fail === 'invalid_input') throw new InvalidInput(`the probe refuses "${payload.note}"`);
    if (payload.slowMs) await new Promise((resolve) => setTimeout(resolve, payload.slowMs));
    if (payload.hold) await this.runs.hold();
    await context.manager.query(`INSERT INTO ${PROBE_SCHEMA}.effects (message_id, note) VALUES ($1, $2)`, [
      context.envelope.id,
      payload.note,
    ]);
    // Fails after writing its effect: only a rollback of this message's own work removes it.
    if (payload.fail === 'after_effect') throw new InvalidInput(`the probe wrote, then refused "${payload.note}"`);
  }

  /** The same probe as a batch handler: one call takes every `ProbeBatched` that arrived together. */
  @EventPattern('ProbeBatched', HANDLES_BATCHES)
  async onProbeBatched(@Payload() payloads: ProbeHappened[], @Ctx() context: DomainEventBatchContext) {
    this.runs.recordBatch(context.envelopes.map((envelope) => envelope.id));
    await context.manager.query(`INSERT INTO ${PROBE_SCHEMA}.effects (message_id, note) SELECT * FROM unnest($1::text[], $2::text[])`, [
      context.envelopes.map((envelope) => envelope.id),
      payloads.map((payload) => payload.note),
    ]);
    const refused = payloads.find((payload) => payload.fail === 'after_effect');
    if (refused) throw new InvalidInput(`the probe wrote a batch, then refused "${refused.note}"`);
  }

  @MessagePattern('probe.echo')
  async echo(@Payload() payload: ProbeEcho) {
    if (payload.delayMs) await new Promise((resolve) => setTimeout(resolve, payload.delayMs));
    if (payload.refuse) throw new NotFound('probe', payload.text);
    return { echoed: payload.text };
  }
}

@Module({})
export class ProbeAppModule {
  static forEnvironment(env: Record<string, string>): DynamicModule {
    return {
      module: ProbeAppModule,
      imports: [
        ConfigModule.forRoot(ServiceConfig, loadConfig(ServiceConfig, env)),
        // Warnings by default; a test whose failures are expected sets LOG_LEVEL higher.
        LoggerModule.forRoot(createLogger('test', env.LOG_LEVEL ?? 'warn')),
        PersistenceModule.forRoot({ schema: PROBE_SCHEMA, entities: [], migrations: [ProbeSchema1700000000000] }),
        MessagingModule.forService({ service: PROBE_SERVICE, schema: PROBE_SCHEMA }),
      ],
      controllers: [ProbeController],
      providers: [HandlerRuns],
    };
  }
}

/**
 * One probe service in its own database and AMQP namespace, plus what the tests use to
 * arrange and observe through public APIs. `stop()` closes the app and removes the
 * database, queues and exchange.
 */
export class ProbeService {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly environment: IsolatedEnvironment,
    readonly env: Record<string, string>,
  ) {}

  static async start(label: string, overrides: Record<string, string> = {}): Promise<ProbeService> {
    const environment = isolatedEnvironment(label);
    const env = {
      ...environment.env,
      MESSAGE_RETRY_DELAYS_MS: PROBE_RETRY_DELAYS_MS.join(','),
      OUTBOX_POLL_MS: '200',
      ...overrides,
    };
    const app = await NestFactory.create<NestFastifyApplication>(ProbeAppModule.forEnvironment(env), new FastifyAdapter(), {
      logger: false,
    });
    const probe = new ProbeService(app, environment, env);
    try {
      // Nest builds the handlers of a hybrid app's microservice inside connectMicroservice:
      // filters must be registered before it and inherited (a later
      // microservice.useGlobalFilters is ignored with a warning).
      app.useGlobalFilters(new OriginalErrorRpcFilter(app.getHttpAdapter()));
      app.connectMicroservice({ strategy: app.get(AmqpServer) }, { inheritAppConfig: true });
      await app.startAllMicroservices();
      await app.init();
      await app.get(AmqpConnection).waitUntilConnected(15_000);
    } catch (error) {
      await probe.stop();
      throw error;
    }
    return probe;
  }

  get names(): MessagingNames {
    return this.app.get(MessagingNames);
  }
  get dataSource(): DataSource {
    return this.app.get<DataSource>(getDataSourceToken());
  }
  get connection(): AmqpConnection {
    return this.app.get(AmqpConnection);
  }
  get relay(): OutboxRelay {
    return this.app.get(OutboxRelay);
  }
  get rpc(): RpcClient {
    return this.app.get(RpcClient);
  }
  get handlerRuns(): HandlerRuns {
    return this.app.get(HandlerRuns);
  }
  get amqpUrl(): string {
    return this.environment.env.AMQP_URL;
  }

  /** Commits the events to the outbox in one transaction; returns their ids. */
  async commitEvents(payloads: ProbeHappened[]): Promise<string[]> {
    const outbox = this.app.get(DomainEventOutbox);
    const envelopes = await this.dataSource.transaction((manager) =>
      outbox.add(
        manager,
        payloads.map((payload): NewDomainEvent<ProbeHappened> => ({ type: 'ProbeHappened', payload })),
      ),
    );
    return envelopes.map((envelope) => envelope.id);
  }

  /** Effects written by the handler, per domain event id. */
  async effectCounts(): Promise<Map<string, number>> {
    const rows: { message_id: string; n: number }[] = await this.dataSource.query(
      `SELECT message_id, count(*)::int AS n FROM ${PROBE_SCHEMA}.effects GROUP BY message_id`,
    );
    return new Map(rows.map((row) => [row.message_id, row.n]));
  }

  async effectNotes(): Promise<string[]> {
    const rows: { note: string }[] = await this.dataSource.query(`SELECT note FROM ${PROBE_SCHEMA}.effects ORDER BY id`);
    return rows.map((row) => row.note);
  }

  async unpublishedCount(): Promise<number> {
    return this.relay.backlog();
  }

  /** Which of these domain events the relay has not published yet (alone or in a pack). */
  async unpublished(ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT event->>'id' AS id
         FROM ${PROBE_SCHEMA}.outbox,
              jsonb_array_elements(CASE jsonb_typeof(envelope) WHEN 'array' THEN envelope ELSE jsonb_build_array(envelope) END) AS event
        WHERE published_at IS NULL AND event->>'id' = ANY($1::text[])`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async stop(): Promise<void> {
    const names = new MessagingNames(this.environment.amqpNamespace);
    await this.app.close().catch(() => undefined);
    await dropDatabase(this.environment.databaseUrl);
    await deleteAmqpNamespace(this.amqpUrl, names, [PROBE_SERVICE], PROBE_RETRY_DELAYS_MS.length);
  }
}
