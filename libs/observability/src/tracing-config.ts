import { BooleanFlag, Secret } from '@appointments/config';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNumber, IsOptional, IsUrl, Max, Min } from 'class-validator';

/** The samplers `OTEL_TRACES_SAMPLER` may name (the OpenTelemetry SDK's; it would only log a wrong one, and sample everything). */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

const OTLP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/**
 * OpenTelemetry tracing, read by every service before anything else (`startTracingOrExit` in its
 * main.ts). The variables are OpenTelemetry's own: tracing is on when an OTLP endpoint is set, and
 * off otherwise (the default) or when `OTEL_SDK_DISABLED` says so. The exporter (OTLP/HTTP, JSON)
 * and the SDK read the rest of their standard variables themselves (`OTEL_EXPORTER_OTLP_HEADERS`,
 * `_TIMEOUT`, `_COMPRESSION`, `OTEL_BSP_*`); these are the ones that switch tracing on and that a
 * typo would otherwise silently break.
 */
export class TracingConfig {
  /** Base URL of an OTLP/HTTP receiver (a collector: `http://otel-collector:4318`); spans go to `<url>/v1/traces`. */
  @Secret()
  @IsOptional()
  @IsUrl(OTLP_URL, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT: string | undefined = undefined;

  /** The full URL spans are posted to, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
  @Secret()
  @IsOptional()
  @IsUrl(OTLP_URL, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: string | undefined = undefined;

  /** OpenTelemetry's switch: true turns tracing off even with an endpoint set. */
  @BooleanFlag()
  @IsBoolean()
  OTEL_SDK_DISABLED = false;

  /** Which traces are kept (default `parentbased_always_on`: all, and whatever the caller's `traceparent` says). */
  @IsOptional()
  @IsIn(TRACES_SAMPLERS)
  OTEL_TRACES_SAMPLER: string | undefined = undefined;

  /** The ratio of the `traceidratio` samplers, 0 to 1. */
  @Type(() => Number)
  @IsOptional()
  @IsNumber({}, { message: 'must be a number from 0 to 1' })
  @Min(0)
  @Max(1)
  OTEL_TRACES_SAMPLER_ARG: number | undefined = undefined;

  /** Whether spans are made and exported at all. */
  get tracingEnabled(): boolean {
    return !this.OTEL_SDK_DISABLED && Boolean(this.OTEL_EXPORTER_OTLP_ENDPOINT || this.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  }
}
