import { eventually } from '@appointments/testing';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { confirmationTemplate, Platform, startPlatform } from './support/platform';

jest.setTimeout(120_000);

/** OTLP's span kinds (the API's plus one: 0 is "unspecified"). */
const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** A span as the receiver keeps it: which service sent it, and its attributes as plain values. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

function plain(attributes: OtlpAttribute[] = []): Record<string, unknown> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]),
  );
}

/**
 * A tiny OTLP/HTTP receiver: what each service's exporter posts to `/v1/traces` (JSON, the
 * exporter's encoding) is decoded and kept in memory for the test. The services run as separate
 * processes (the platform as it is deployed), so an in-memory exporter inside them could not be
 * read from here; the receiver is the in-memory end of their real exporters.
 */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.receive(request).then(
        () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
        (error: unknown) => response.writeHead(400).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async receive(request: IncomingMessage) {
    if (request.method !== 'POST' || request.url !== '/v1/traces') throw new Error(`unexpected ${request.method} ${request.url}`);
    this.contentTypes.add(String(request.headers['content-type']));
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
    for (const resourceSpans of body.resourceSpans ?? []) {
      const service = String(plain(resourceSpans.resource?.attributes)['service.name']);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          this.spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            attributes: plain(span.attributes),
          });
        }
      }
    }
  }
}

/** The trace as an indented tree (E2E_VERBOSE=1), for a person reading a failure. */
function describeTrace(spans: ReceivedSpan[]): string {
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of spans.filter((candidate) => candidate.parentSpanId === parent)) {
      lines.push(`${'  '.repeat(depth)}${span.service}: ${span.name} (kind ${span.kind})`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

/**
 * Issue 15, item 8: one confirmation, sent through the staff API of the five services running as
 * real processes with tracing switched on (`OTEL_EXPORTER_OTLP_ENDPOINT`), is one trace across
 * gateway, scheduling and notification-dispatch: the HTTP request, the RPC request to scheduling,
 * scheduling's outbox row published by its relay, and dispatch's handling of the event, each span
 * the child of the one before, every one carrying the request's correlation id.
 */
describe('tracing a confirmation across the services', () => {
  const receiver = new OtlpReceiver();
  let platform: Platform;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    // Spans are batched for 100 ms rather than 5 s, so the test does not wait on the exporter.
    platform = await startPlatform('e2e_trace', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver.stop();
  });

  it('is one trace from the gateway through scheduling to notification-dispatch, with correct parent links', async () => {
    const api = platform.api;
    const customer = await api.post('/api/customers', { name: 'Jane Trace', email: `jane.${Date.now()}@example.com` });
    expect(customer.status).toBe(201);
    const template = await api.post('/api/templates', confirmationTemplate());
    expect(template.status).toBe(201);
    const event = await api.post('/api/events', {
      customerId: customer.body.id,
      templateId: template.body.id,
      start: '2027-01-15T14:00:00-05:00',
      end: '2027-01-15T15:30:00-05:00',
      timeZone: 'America/New_York',
      location: '123 Main St',
    });
    expect(event.status).toBe(201);

    const correlationId = `e2e-trace-${Date.now()}`;
    const sent = await api.request(
      'POST',
      `/api/events/${event.body.id}/notifications`,
      { type: 'confirmation' },
      { headers: { 'x-correlation-id': correlationId } },
    );
    expect(sent.status).toBe(202);
    expect(sent.headers.get('x-correlation-id')).toBe(correlationId);

    const request = await eventually(
      async () =>
        receiver.spans.find(
          (span) => span.service === 'gateway' && span.kind === KIND.server && span.attributes['correlation.id'] === correlationId,
        ),
      (span) => span !== undefined,
      { what: "the gateway's span of the confirmation request" },
    );
    const inTrace = () => receiver.spans.filter((span) => span.traceId === request!.traceId);
    const consumed = await eventually(
      async () =>
        inTrace().find(
          (span) =>
            span.service === 'notification-dispatch' && span.kind === KIND.consumer && span.name === 'process NotificationRequested',
        ),
      (span) => span !== undefined,
      { what: "notification-dispatch's span of the NotificationRequested event, in the request's trace" },
    );

    // A parent may end (and be exported) after its child: wait until every parent is in.
    const trace = await eventually(
      async () => inTrace(),
      (spans) => spans.every((span) => !span.parentSpanId || spans.some((parent) => parent.spanId === span.parentSpanId)),
      { what: 'the parent of every span of the trace' },
    );
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    if (process.env.E2E_VERBOSE) process.stdout.write(`${describeTrace(trace)}\n`);
    const parentOf = (span: ReceivedSpan) => {
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      if (!parent) throw new Error(`the parent of ${span.service} "${span.name}" is not in the trace`);
      return parent;
    };

    // The chain, from dispatch back to the gateway's HTTP request.
    const published = parentOf(consumed!);
    const handled = parentOf(published);
    const requested = parentOf(handled);
    expect(parentOf(requested)).toBe(request);
    const chain = [request!, requested, handled, published, consumed!];
    expect(chain.map(({ service, kind, name }) => ({ service, kind, name }))).toEqual([
      { service: 'gateway', kind: KIND.server, name: 'POST /api/events/:id/notifications' },
      { service: 'gateway', kind: KIND.client, name: 'scheduling events.notifications.send' },
      { service: 'scheduling', kind: KIND.server, name: 'scheduling events.notifications.send' },
      { service: 'scheduling', kind: KIND.producer, name: 'publish NotificationRequested' },
      { service: 'notification-dispatch', kind: KIND.consumer, name: 'process NotificationRequested' },
    ]);
    expect(request!.parentSpanId).toBeUndefined();
    expect(chain.map((span) => span.attributes['correlation.id'])).toEqual(chain.map(() => correlationId));
    expect(request!.attributes).toMatchObject({ 'http.route': '/api/events/:id/notifications', 'http.response.status_code': 202 });
    expect(consumed!.attributes['appointments.message.outcome']).toBe('applied');

    // Every span of the trace hangs from the gateway's request: one root. (It may go on past
    // dispatch: NotificationSent back to scheduling, say.)
    expect(trace.filter((span) => !span.parentSpanId)).toEqual([request]);
    expect([...new Set(trace.map((span) => span.service))]).toEqual(
      expect.arrayContaining(['gateway', 'scheduling', 'notification-dispatch']),
    );

    // No span names or attributes carry the URL with its ids or a landing token: route patterns only.
    expect(JSON.stringify(trace)).not.toContain(`/api/events/${event.body.id}`);
    expect([...receiver.contentTypes]).toEqual(['application/json']);
  });
});
