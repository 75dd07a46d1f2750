import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-node';

export type { SpanExporter };

/** The running SDK, as `tracing.ts` needs it. */
export interface TracingSdk {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK, loaded by `startTracing` only when tracing is on. The exporter is
 * OTLP/HTTP with JSON bodies; it reads its standard variables itself (`OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `_HEADERS`, `_TIMEOUT`, `_COMPRESSION`), the batch
 * processor `OTEL_BSP_*`, the provider `OTEL_TRACES_SAMPLER` (default: parent-based, always on).
 * The propagator is W3C trace context only: no `baggage` header goes from a caller into messages.
 *
 * @public (loaded by `tracing.ts` with `require`, only when tracing is on, so that the SDK costs nothing when off)
 */
export function startTracingSdk(service: string, exporter?: SpanExporter): TracingSdk {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
