import { ConfigValidationError, loadConfig } from '@appointments/config';
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { currentCorrelationId, runWithCorrelation } from './correlation';
import {
  CORRELATION_ATTRIBUTE,
  endSpan,
  extractTraceContext,
  injectTraceContext,
  SpanKind,
  startSpan,
  startTracing,
  stopTracing,
  tracingEnabled,
  withSpan,
} from './tracing';
import { TracingConfig } from './tracing-config';

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const CALLER_TRACEPARENT = `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`;

describe('TracingConfig', () => {
  it('is off by default, on with an OTLP endpoint (either variable), and off again with OTEL_SDK_DISABLED', () => {
    expect(loadConfig(TracingConfig, {}).tracingEnabled).toBe(false);
    expect(loadConfig(TracingConfig, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' }).tracingEnabled).toBe(true);
    expect(loadConfig(TracingConfig, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/v1/traces' }).tracingEnabled).toBe(
      true,
    );
    expect(
      loadConfig(TracingConfig, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).tracingEnabled,
    ).toBe(false);
  });

  it('refuses a malformed endpoint (without showing it: it may hold a password), an unknown sampler and a ratio above 1', () => {
    let error: unknown;
    try {
      loadConfig(TracingConfig, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const variables = (error as ConfigValidationError).problems.map((problem) => problem.variable).sort();
    expect(variables).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG']);
    expect((error as Error).message).not.toContain('otel-collector');
  });

  it('reads the sampler ratio as a number', () => {
    expect(loadConfig(TracingConfig, { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: 0.25,
    });
  });
});

describe('tracing off (the default)', () => {
  it('is not started by a config without an endpoint: the global API stays a no-op', () => {
    expect(startTracing('scheduling', loadConfig(TracingConfig, {}))).toBe(false);
    expect(tracingEnabled()).toBe(false);
    expect(trace.getTracer('any').startSpan('nothing').isRecording()).toBe(false);
  });

  it('writes no header and reads none', () => {
    const headers: Record<string, unknown> = { 'x-correlation-id': 'c-1' };
    injectTraceContext(headers);
    expect(headers).toEqual({ 'x-correlation-id': 'c-1' });
    expect(extractTraceContext({ traceparent: CALLER_TRACEPARENT })).toBe(ROOT_CONTEXT);
  });
});

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    expect(startTracing('scheduling', loadConfig(TracingConfig, {}), { exporter })).toBe(true);
  });

  afterEach(() => exporter.reset());

  afterAll(async () => {
    await stopTracing();
  });

  it('injects the active span as a W3C traceparent, which the next hop extracts as its parent', () => {
    const producer = startSpan('publish EventBooked', SpanKind.PRODUCER, {});
    const headers: Record<string, unknown> = { 'x-correlation-id': 'c-1' };
    withSpan(producer, () => injectTraceContext(headers));
    const { traceId, spanId } = producer.spanContext();
    expect(headers).toEqual({ 'x-correlation-id': 'c-1', traceparent: `00-${traceId}-${spanId}-01` });

    const consumer = startSpan('process EventBooked', SpanKind.CONSUMER, {}, extractTraceContext(headers));
    endSpan(consumer);
    endSpan(producer);
    const [finishedConsumer, finishedProducer] = exporter.getFinishedSpans();
    expect(finishedConsumer.spanContext().traceId).toBe(traceId);
    expect(finishedConsumer.parentSpanContext?.spanId).toBe(spanId);
    expect(finishedConsumer.kind).toBe(SpanKind.CONSUMER);
    expect(finishedProducer.parentSpanContext).toBeUndefined();
    expect(finishedProducer.resource.attributes['service.name']).toBe('scheduling');
  });

  it("continues a caller's trace (HTTP or AMQP headers), and starts one when the traceparent is missing or malformed", () => {
    const child = startSpan('GET /api/events', SpanKind.SERVER, {}, extractTraceContext({ traceparent: CALLER_TRACEPARENT }));
    expect(child.spanContext().traceId).toBe(CALLER_TRACE_ID);
    endSpan(child);
    expect(exporter.getFinishedSpans()[0].parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);

    for (const headers of [undefined, {}, { traceparent: 'not-a-traceparent' }, { traceparent: 42 }]) {
      const root = startSpan('GET /api/events', SpanKind.SERVER, {}, extractTraceContext(headers));
      expect(root.spanContext().traceId).not.toBe(CALLER_TRACE_ID);
      endSpan(root);
    }
    expect(
      exporter
        .getFinishedSpans()
        .slice(1)
        .map((span) => span.parentSpanContext),
    ).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('injects nothing outside a span', () => {
    const headers: Record<string, unknown> = {};
    context.with(ROOT_CONTEXT, () => injectTraceContext(headers));
    expect(headers).toEqual({});
  });

  it('keeps the correlation id beside the span: both are active in the work, and the span carries it as an attribute', () => {
    const seen = runWithCorrelation('c-42', () => {
      const span = startSpan('scheduling events.sendNotification', SpanKind.SERVER, { [CORRELATION_ATTRIBUTE]: currentCorrelationId() });
      return withSpan(span, () => {
        const inside = { correlationId: currentCorrelationId(), spanId: trace.getActiveSpan()?.spanContext().spanId };
        endSpan(span);
        return { ...inside, expected: span.spanContext().spanId };
      });
    });
    expect(seen.correlationId).toBe('c-42');
    expect(seen.spanId).toBe(seen.expected);
    expect(exporter.getFinishedSpans()[0].attributes[CORRELATION_ATTRIBUTE]).toBe('c-42');
  });

  it("marks a span ended with an error as failed, with the error's name and message", () => {
    const span = startSpan('process EventBooked', SpanKind.CONSUMER, {});
    endSpan(span, new TypeError('no such event'));
    const [finished] = exporter.getFinishedSpans();
    expect(finished.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such event' });
    expect(finished.events[0].attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'no such event' });
  });
});

describe('tracing stopped', () => {
  it('is off again, and the global API a no-op', () => {
    expect(tracingEnabled()).toBe(false);
    expect(trace.getTracer('any').startSpan('nothing').isRecording()).toBe(false);
    const headers: Record<string, unknown> = {};
    injectTraceContext(headers);
    expect(headers).toEqual({});
  });
});
