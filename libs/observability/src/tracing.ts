import { Attributes, Context, context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import type { TracingConfig } from './tracing-config';
import type { SpanExporter, TracingSdk } from './tracing-sdk';

/**
 * OpenTelemetry tracing, off unless switched on (`TracingConfig`). Off, nothing here makes a span
 * or touches a header: every helper returns at its first line, and the global API stays
 * OpenTelemetry's no-op. On, spans are made by hand at the few places work crosses a process:
 * an HTTP request (service-host's Fastify hooks), an RPC request and its handling, an outbox row's
 * publish and a domain event's handling (libs/messaging). The W3C trace context (`traceparent`)
 * travels in HTTP and AMQP headers and in the outbox row's headers, beside the correlation id,
 * which every span carries as `correlation.id`.
 */

/** The span attribute that carries the correlation id (`correlation.ts`), so a trace and its log lines can be matched. */
export const CORRELATION_ATTRIBUTE = 'correlation.id';

/** The W3C trace context header (https://www.w3.org/TR/trace-context/). */
export const TRACEPARENT_HEADER = 'traceparent';

export { SpanKind, SpanStatusCode };
export type { Span, Context };

let enabled = false;
let sdk: TracingSdk | null = null;
let tracer: Tracer | null = null;

/** Whether spans are made. False by default: then every helper below returns at once. */
export function tracingEnabled(): boolean {
  return enabled;
}

export interface StartTracingOptions {
  /** Where spans go instead of the OTLP exporter (tests: an `InMemorySpanExporter`), sent one by one as they end. */
  exporter?: SpanExporter;
}

/**
 * Switches tracing on for this process when the config says so (or an exporter is given): the
 * OpenTelemetry SDK is loaded only then (it costs about a fifth of a second and 5 MB at start),
 * registered as the global tracer provider with the W3C trace-context propagator and an
 * AsyncLocalStorage context manager, and its spans are batched to the OTLP/HTTP exporter. Every
 * span names the service (`service.name`). Returns whether tracing is on. Once per process; a
 * second call changes nothing.
 */
export function startTracing(service: string, config: TracingConfig, options: StartTracingOptions = {}): boolean {
  if (enabled) return true;
  if (!config.tracingEnabled && !options.exporter) return false;
  // Loaded here, not imported: a service that does not trace never loads the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  sdk = startTracingSdk(service, options.exporter);
  tracer = trace.getTracer('appointments');
  enabled = true;
  return true;
}

/** Sends the spans that have ended and not been exported yet (before the process stops). */
export async function flushTracing(): Promise<void> {
  await sdk?.forceFlush();
}

/** Flushes, then switches tracing off and gives the global API back its no-op (tests). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  enabled = false;
  sdk = null;
  tracer = null;
  await running?.shutdown();
}

/**
 * Starts a span, child of `parent` (the active context by default). Only call it when
 * `tracingEnabled()`; the caller ends the span (`endSpan`).
 */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context = context.active()): Span {
  return tracer!.startSpan(name, { kind, attributes }, parent);
}

/** `parent` (the active context by default) with `span` as its span: what to inject, or to run work in. */
export function contextWithSpan(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

/** Runs `work` with `span` as the active span (under `parent`, the active context by default). */
export function withSpan<T>(span: Span, work: () => T, parent: Context = context.active()): T {
  return context.with(trace.setSpan(parent, span), work);
}

/** Ends a span; with an error, marks it failed and records the error's type and message (never its stack's locals). */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) });
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/**
 * Writes the W3C trace context of `from` (the active context by default) into `headers`, for the
 * next hop to continue the trace. Nothing when tracing is off, or when there is no span.
 */
export function injectTraceContext(headers: Record<string, unknown>, from?: Context): void {
  if (!enabled) return;
  propagation.inject(from ?? context.active(), headers);
}

/** The trace context that `headers` (HTTP or AMQP) carry; the root context when there is none, or tracing is off. */
export function extractTraceContext(headers: Record<string, unknown> | undefined): Context {
  if (!enabled || !headers) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers);
}
