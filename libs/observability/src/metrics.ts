import { timingSafeEqual, createHash } from 'node:crypto';
import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Metric,
  Registry,
} from 'prom-client';

/** Buckets (seconds) of the platform's latency histograms: 5 ms to 10 s. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One service's metrics, in Prometheus's text format at `GET /metrics`. Each service has a
 * registry of its own (tests host several services in one process, and a metric name may be
 * registered once per registry), with the process's default metrics (CPU, memory, event-loop
 * lag, GC) and the label `service` on every series. Metrics are made on first use and found by
 * name after that, so two providers asking for the same metric share it.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return this.existing<Counter<L>>(config.name) ?? new Counter<L>({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return this.existing<Histogram<L>>(config.name) ?? new Histogram<L>({ ...config, registers: [this.registry] });
  }

  /** A gauge; one read on scrape has a `collect` (see `cachedFor` to keep its cost off frequent scrapes). */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return this.existing<Gauge<L>>(config.name) ?? new Gauge<L>({ ...config, registers: [this.registry] });
  }

  /** Every metric in Prometheus's text exposition format (gauges read on scrape are read now). */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private existing<M extends Metric>(name: string): M | undefined {
    return this.registry.getSingleMetric(name) as M | undefined;
  }
}

/**
 * Duration of every HTTP request, by method, matched route pattern (`/m/:token`, never the URL:
 * no landing token, id or query string becomes a label) and status. One `observe` per request;
 * the labelled child of each (method, route, status) is kept, so a request costs no label hashing.
 */
export class HttpMetrics {
  /** What a request no route matched is labelled with (the path would be unbounded and may hold secrets). */
  static readonly UNMATCHED = '<unmatched>';
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly children = new Map<string, Histogram.Internal<'method' | 'route' | 'status_code'>>();

  constructor(metrics: ServiceMetrics) {
    this.duration = metrics.histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, matched route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
    });
  }

  observe(method: string, routePattern: string | undefined, statusCode: number, seconds: number): void {
    const route = routePattern ?? HttpMetrics.UNMATCHED;
    const key = `${method} ${statusCode} ${route}`;
    let child = this.children.get(key);
    if (!child) {
      child = this.duration.labels({ method, route, status_code: String(statusCode) });
      this.children.set(key, child);
    }
    child.observe(seconds);
  }
}

/**
 * A read for a gauge collected on scrape, kept `ms` milliseconds: scrapes from several
 * Prometheus servers (or a person refreshing) within that time share one database query or broker
 * call. Concurrent callers share the read in progress; a failed read is not kept.
 */
export function cachedFor<T>(ms: number, read: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let kept: { value: T; at: number } | null = null;
  let reading: Promise<T> | null = null;
  return () => {
    if (kept && now() - kept.at < ms) return Promise.resolve(kept.value);
    if (!reading) {
      reading = read()
        .then((value) => {
          kept = { value, at: now() };
          return value;
        })
        .finally(() => {
          reading = null;
        });
    }
    return reading;
  };
}

/**
 * Who may read a service's `/metrics`:
 * - `open`: anyone who reaches it (the internal services, not published outside their network);
 * - `bearer`: `Authorization: Bearer <token>` with this token (the gateway with METRICS_TOKEN set);
 * - `refused`: nobody, answered 404 (the gateway in production without METRICS_TOKEN).
 */
export type MetricsAccess = { kind: 'open' } | { kind: 'bearer'; token: string } | { kind: 'refused' };

/** The access of a public-facing service: its token when one is set, else open outside production and refused in it. */
export function publicFacingMetricsAccess(token: string | undefined, production: boolean): MetricsAccess {
  if (token) return { kind: 'bearer', token };
  return production ? { kind: 'refused' } : { kind: 'open' };
}

/** Whether a request's `Authorization` header carries the token (compared in constant time, whatever the lengths). */
export function bearerMatches(header: string | string[] | undefined, token: string): boolean {
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) return false;
  // Hashed first: timingSafeEqual needs equal lengths, and the digests' comparison says nothing of the token's length.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}
