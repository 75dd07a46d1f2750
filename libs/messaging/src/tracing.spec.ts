import {
  CORRELATION_ATTRIBUTE,
  CORRELATION_HEADER,
  endSpan,
  runWithCorrelation,
  SpanKind,
  startSpan,
  startTracing,
  stopTracing,
  TracingConfig,
  withSpan,
} from '@appointments/observability';
import { loadConfig } from '@appointments/config';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { ConsumeMessage, Options } from 'amqplib';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { AmqpConnection } from './amqp-connection';
import { AmqpServer } from './amqp-server';
import { MessagingNames } from './naming';
import { DomainEventOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { RpcClient } from './rpc-client';

const logger = pino({ level: 'silent' });
const names = new MessagingNames('t.');

interface Published {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/** What one hop of the chain put on the wire (or in the outbox), for the next hop and the assertions. */
interface Chain {
  rpcRequest: Published;
  outboxRow: { id: string; type: string; envelope: unknown; headers: Record<string, unknown> };
  relayed: Published;
  /** The span active in dispatch's handler, and its correlation id. */
  handlerSaw: { spanId: string | undefined; traceId: string | undefined };
  reply: unknown;
}

/**
 * One confirmation through the messaging lib, each hop with fakes of the broker and the database
 * that hand on what the hop before it published: the gateway's RPC request (inside its HTTP span
 * when traced), scheduling's handling of it writing an outbox row, scheduling's relay publishing
 * the row, notification-dispatch consuming the event.
 */
async function confirmationThroughTheLib(gatewaySpan: () => { end(): void; run<T>(work: () => T): T }): Promise<Chain> {
  // The gateway: an RPC client on a fake channel that keeps what is published.
  const rpcChannel = new EventEmitter() as EventEmitter & Record<string, jest.Mock>;
  const rpcPublished: Published[] = [];
  let deliverReply: (message: ConsumeMessage) => void = () => undefined;
  rpcChannel.publish = jest.fn((exchange: string, routingKey: string, content: Buffer, options: Options.Publish) => {
    rpcPublished.push({ exchange, routingKey, content, options });
    return true;
  });
  rpcChannel.consume = jest.fn(async (_queue: string, onMessage: (message: ConsumeMessage) => void) => {
    deliverReply = onMessage;
    return { consumerTag: 'reply' };
  });
  const gatewayConnection = Object.assign(new EventEmitter(), { isBlocked: false, createChannel: async () => rpcChannel });
  const rpc = new RpcClient(gatewayConnection as unknown as AmqpConnection, names, 5000, logger);

  // Scheduling: the RPC server; its handler writes an outbox row in a fake transaction.
  const schedulingReplies: Published[] = [];
  const schedulingConnection = {
    publish: jest.fn(async (exchange: string, routingKey: string, content: Buffer, options: Options.Publish) => {
      schedulingReplies.push({ exchange, routingKey, content, options });
    }),
  };
  const outbox = new DomainEventOutbox('scheduling', 'scheduling');
  const schedulingManager = { queryRunner: { isTransactionActive: true }, query: jest.fn(async () => []) };
  const scheduling = new AmqpServer({
    service: 'scheduling',
    names,
    connection: schedulingConnection as unknown as AmqpConnection,
    logger,
    prefetch: 10,
    retryDelaysMs: [],
  });
  scheduling.addHandler(
    'events.sendNotification',
    async () => {
      await outbox.add(schedulingManager as unknown as EntityManager, [
        { type: 'EventBooked', eventId: 'event-1', payload: { id: 'event-1' } },
      ]);
      return { notificationIds: ['n-1'] };
    },
    false,
  );

  // notification-dispatch: the consumer of EventBooked, in a fake transaction that applies every message.
  const dispatchManager = {
    query: jest.fn(async (_sql: string, parameters?: unknown[]) =>
      Array.isArray(parameters?.[1]) ? (parameters[1] as string[]).map((id) => ({ message_id: id })) : [],
    ),
  };
  const dispatch = new AmqpServer({
    service: 'notification-dispatch',
    names,
    connection: {} as AmqpConnection,
    logger,
    prefetch: 10,
    retryDelaysMs: [],
    dataSource: { transaction: async (work: (manager: unknown) => Promise<void>) => work(dispatchManager) } as unknown as DataSource,
    schema: 'notification_dispatch',
  });
  const handlerSaw: Chain['handlerSaw'] = { spanId: undefined, traceId: undefined };
  dispatch.addHandler(
    'EventBooked',
    async () => {
      const active = trace.getActiveSpan()?.spanContext();
      handlerSaw.spanId = active?.spanId;
      handlerSaw.traceId = active?.traceId;
    },
    true,
  );

  // 1. The gateway's request, within its HTTP request (and its correlation id).
  const http = gatewaySpan();
  const answer = runWithCorrelation('c-confirm', () =>
    http.run(() => rpc.request('scheduling', 'events.sendNotification', { id: 'event-1' })),
  );
  await new Promise((resolve) => setImmediate(resolve));
  const [rpcRequest] = rpcPublished;

  // 2. Scheduling handles it: the outbox row, and the reply.
  const ack = jest.fn();
  await (scheduling as unknown as { onRequest(channel: unknown, message: unknown): Promise<void> }).onRequest(
    { ack },
    { content: rpcRequest.content, properties: rpcRequest.options, fields: {} },
  );
  expect(ack).toHaveBeenCalled();
  const [rows] = (schedulingManager.query.mock.calls[0] as unknown as [string, [string]])[1];
  const [outboxRow] = JSON.parse(rows);

  // The reply reaches the gateway; its HTTP request ends.
  const [replied] = schedulingReplies;
  deliverReply({ content: replied.content, properties: replied.options, fields: {} } as unknown as ConsumeMessage);
  const reply = await answer;
  http.end();

  // 3. Scheduling's relay claims the row and publishes it.
  const relayed: Published[] = [];
  const relay = new OutboxRelay(
    {} as DataSource,
    {
      publish: jest.fn(async (exchange: string, routingKey: string, content: Buffer, options: Options.Publish) => {
        relayed.push({ exchange, routingKey, content, options });
      }),
    } as unknown as AmqpConnection,
    { schema: 'scheduling', exchange: names.exchange, databaseUrl: 'postgres://unused/db', pollMs: 1000 },
    logger,
  );
  const relayClient = {
    query: jest
      .fn()
      .mockResolvedValueOnce({ rows: [{ seq: '1', ...outboxRow, envelope: JSON.stringify(outboxRow.envelope) }] })
      .mockResolvedValue({ rows: [] }),
  };
  await (relay as unknown as { publishBatch(client: unknown): Promise<number> }).publishBatch(relayClient);

  // 4. Dispatch consumes it.
  const message = {
    content: relayed[0].content,
    properties: relayed[0].options,
    fields: { exchange: names.exchange, routingKey: 'EventBooked' },
  };
  await new Promise<void>((resolve) => {
    const pending = {
      delivery: { channel: { ack: jest.fn(), nack: jest.fn() }, message, unsettled: 1, requeue: false, done: resolve },
      received: { envelope: outboxRow.envelope, error: null, raw: outboxRow.envelope, packed: false },
      arrivedAt: performance.now(),
    };
    void (dispatch as unknown as { handleBatch(taken: unknown[]): Promise<void> }).handleBatch([pending]);
  });

  return { rpcRequest, outboxRow, relayed: relayed[0], handlerSaw, reply };
}

describe('tracing off (the default): the messaging lib writes no trace header', () => {
  it('sends the correlation id alone, in the request, the outbox row and the published event', async () => {
    const chain = await confirmationThroughTheLib(() => ({ end: () => undefined, run: (work) => work() }));
    expect(chain.reply).toEqual({ notificationIds: ['n-1'] });
    expect(chain.rpcRequest.options.headers).toEqual({ [CORRELATION_HEADER]: 'c-confirm' });
    expect(chain.outboxRow.headers).toEqual({ [CORRELATION_HEADER]: 'c-confirm' });
    expect(chain.relayed.options.headers).toEqual({ [CORRELATION_HEADER]: 'c-confirm' });
    expect(chain.handlerSaw).toEqual({ spanId: undefined, traceId: undefined });
  });
});

describe('tracing on: one trace from the HTTP request to the consumer', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => startTracing('test', loadConfig(TracingConfig, {}), { exporter }));
  afterAll(() => stopTracing());

  it('links gateway → RPC client → RPC server → outbox publish → consumer, each a child of the one before, the correlation id on each', async () => {
    const chain = await confirmationThroughTheLib(() => {
      const span = startSpan('POST /api/events/:id/notifications', SpanKind.SERVER, {});
      return { end: () => endSpan(span), run: (work) => withSpan(span, work) };
    });
    expect(chain.reply).toEqual({ notificationIds: ['n-1'] });

    const spans = exporter.getFinishedSpans();
    const byName = (name: string): ReadableSpan => {
      const found = spans.find((span) => span.name === name);
      if (!found) throw new Error(`no span ${name} among ${spans.map((span) => span.name).join(', ')}`);
      return found;
    };
    const http = byName('POST /api/events/:id/notifications');
    const client = spans.find((span) => span.kind === SpanKind.CLIENT)!;
    const server = spans.find((span) => span.kind === SpanKind.SERVER && span !== http)!;
    const publish = byName('publish EventBooked');
    const consume = byName('process EventBooked');
    expect([client.name, server.name, publish.kind, consume.kind]).toEqual([
      'scheduling events.sendNotification',
      'scheduling events.sendNotification',
      SpanKind.PRODUCER,
      SpanKind.CONSUMER,
    ]);

    const traceId = http.spanContext().traceId;
    const chainOf = [http, client, server, publish, consume];
    expect(chainOf.map((span) => span.spanContext().traceId)).toEqual(chainOf.map(() => traceId));
    expect(chainOf.map((span) => span.parentSpanContext?.spanId)).toEqual([
      undefined,
      http.spanContext().spanId,
      client.spanContext().spanId,
      server.spanContext().spanId,
      publish.spanContext().spanId,
    ]);
    expect(chainOf.slice(1).map((span) => span.attributes[CORRELATION_ATTRIBUTE])).toEqual(chainOf.slice(1).map(() => 'c-confirm'));
    expect(consume.attributes['appointments.message.outcome']).toBe('applied');
    expect(chain.handlerSaw).toEqual({ spanId: consume.spanContext().spanId, traceId });

    // On the wire: each hop's traceparent is its own span; the correlation id travels as before.
    const traceparent = (span: ReadableSpan) => `00-${traceId}-${span.spanContext().spanId}-01`;
    expect(chain.rpcRequest.options.headers).toEqual({ [CORRELATION_HEADER]: 'c-confirm', traceparent: traceparent(client) });
    expect(chain.outboxRow.headers).toEqual({ [CORRELATION_HEADER]: 'c-confirm', traceparent: traceparent(server) });
    expect(chain.relayed.options.headers).toEqual({ [CORRELATION_HEADER]: 'c-confirm', traceparent: traceparent(publish) });
  });
});
