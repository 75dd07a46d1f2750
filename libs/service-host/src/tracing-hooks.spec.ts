import { loadConfig } from '@appointments/config';
import {
  CORRELATION_ATTRIBUTE,
  currentCorrelationId,
  runWithCorrelation,
  startTracing,
  stopTracing,
  TracingConfig,
} from '@appointments/observability';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import Fastify from 'fastify';
import { installTracing } from './host-service';

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TOKEN = 'a-landing-token-that-is-a-credential';

describe('the HTTP server span (installTracing)', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => startTracing('gateway', loadConfig(TracingConfig, {}), { exporter }));
  afterEach(() => exporter.reset());
  afterAll(() => stopTracing());

  /** Fastify as hostService sets it up: the correlation hook first, then the tracing hooks. */
  function server() {
    const fastify = Fastify();
    fastify.addHook('onRequest', (request, _reply, done) => {
      (request as unknown as { correlationId: string }).correlationId = 'c-http';
      runWithCorrelation('c-http', done);
    });
    installTracing(fastify);
    fastify.get('/m/:token', async () => ({
      spanId: trace.getActiveSpan()?.spanContext().spanId,
      correlationId: currentCorrelationId(),
    }));
    fastify.get('/broken', async (_request, reply) => reply.code(503).send({ message: 'unavailable' }));
    return fastify;
  }

  it("continues the caller's traceparent, is active in the handler beside the correlation id, and is named after the route, not the URL", async () => {
    const response = await server().inject({
      method: 'GET',
      url: `/m/${TOKEN}?x=1`,
      headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` },
    });
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET /m/:token');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/m/:token',
      'http.response.status_code': 200,
      [CORRELATION_ATTRIBUTE]: 'c-http',
    });
    expect(JSON.stringify(span.attributes)).not.toContain(TOKEN);
    expect(response.json()).toEqual({ spanId: span.spanContext().spanId, correlationId: 'c-http' });
  });

  it('starts a trace when the caller sends none; a 5xx marks it failed; an unmatched path is named by its method alone', async () => {
    const app = server();
    expect((await app.inject({ method: 'GET', url: '/broken' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/nowhere/at/all' })).statusCode).toBe(404);
    const [broken, unmatched] = exporter.getFinishedSpans();
    expect(broken.parentSpanContext).toBeUndefined();
    expect(broken.status.code).toBe(SpanStatusCode.ERROR);
    expect(broken.attributes['http.response.status_code']).toBe(503);
    expect(unmatched.name).toBe('GET');
    expect(unmatched.status.code).toBe(SpanStatusCode.UNSET);
  });
});
