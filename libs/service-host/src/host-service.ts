import 'reflect-metadata';
import { DynamicModule, INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigClass, ConfigValidationError, loadConfig, ServiceConfig } from '@appointments/config';
import { AmqpServer, OriginalErrorRpcFilter } from '@appointments/messaging';
import {
  CORRELATION_ATTRIBUTE,
  CORRELATION_HEADER,
  createLogger,
  extractTraceContext,
  HttpMetrics,
  loggedPath,
  newCorrelationId,
  runWithCorrelation,
  sanitiseCorrelationId,
  Span,
  SpanKind,
  SpanStatusCode,
  startSpan,
  startTracing,
  StructuredNestLogger,
  TracingConfig,
  tracingEnabled,
  withSpan,
} from '@appointments/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

export interface HostedService {
  app: NestFastifyApplication;
  logger: Logger;
  url: string;
}

export interface HostServiceOptions {
  service: string;
  module: DynamicModule;
  config: ServiceConfig;
  port: number;
  host?: string;
  /** Whether the module has `@EventPattern`/`@MessagePattern` handlers to serve over AMQP. */
  messaging: boolean;
  /**
   * Whether the service has the process to itself (its main.ts; the default): a failed start
   * or a stray failure then stops the process. A test hosting services in its own process says
   * false, and gets the start failure thrown instead.
   */
  ownsProcess?: boolean;
  /** Gateway-style extras (OpenAPI, filters, pipes) before listening. */
  configure?: (app: NestFastifyApplication, logger: Logger) => void | Promise<void>;
}

/** Reads the app's config or stops the process with a message that names each bad variable. */
export function loadConfigOrExit<T extends object>(schema: ConfigClass<T>): T {
  try {
    return loadConfig(schema);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/**
 * Switches OpenTelemetry tracing on when its variables say so (`TracingConfig`: an OTLP endpoint
 * set), or stops the process naming each bad one; off, it loads nothing. The first thing each
 * main.ts does, before its config is read and its app built, so that every span of the process
 * (and the provider's `service.name`) is there from the first request. True when tracing is on.
 */
export function startTracingOrExit(service: string): boolean {
  return startTracing(service, loadConfigOrExit(TracingConfig));
}

/**
 * Starts one service: Nest on Fastify with the structured logger, a correlation id on
 * every request, the AMQP transport for its handlers, graceful shutdown on SIGTERM/SIGINT.
 */
export async function hostService(options: HostServiceOptions): Promise<HostedService> {
  const logger = createLogger(options.service, options.config.LOG_LEVEL);
  const ownsProcess = options.ownsProcess ?? true;
  if (ownsProcess) stopOnStrayFailure(logger);
  try {
    const adapter = new FastifyAdapter({ trustProxy: options.config.trustProxy, bodyLimit: 1024 * 1024 });
    const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
      logger: new StructuredNestLogger(logger),
      abortOnError: false,
    });
    installCorrelation(app, logger, httpMetricsOf(app));
    app.enableShutdownHooks();
    if (options.messaging) {
      // Filters and pipes are shared with the microservice (inheritAppConfig): request
      // payloads are validated like HTTP bodies, and errors reach the transport unchanged.
      app.useGlobalFilters(new OriginalErrorRpcFilter(app.getHttpAdapter()));
      app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
      app.connectMicroservice({ strategy: app.get(AmqpServer) }, { inheritAppConfig: true });
    }
    await options.configure?.(app, logger);
    await app.init();
    if (options.messaging) await app.startAllMicroservices();
    await app.listen(options.port, options.host ?? '0.0.0.0');
    const url = `http://127.0.0.1:${options.port}`;
    logger.info({ url, health: `${url}/health` }, `${options.service} started`);
    return { app, logger, url };
  } catch (error) {
    logger.fatal({ err: error }, `${options.service} failed to start`);
    if (!ownsProcess) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the log line out
    process.exit(1);
  }
}

/**
 * A rejection nobody handled, or an exception nobody caught, leaves the process in a state
 * nobody planned for: it is logged as one structured fatal line (Node would write a bare stack
 * to stderr) and the process stops, for its supervisor to start it again (`restart:
 * unless-stopped` in docker-compose.yml). Nothing is lost by stopping: unacknowledged messages
 * go back to the queue, and claimed deliveries are settled by the next process's sweep.
 */
function stopOnStrayFailure(logger: Logger) {
  const stop = (what: string) => (error: unknown) => {
    logger.fatal({ err: error }, `${what}; the process stops`);
    setTimeout(() => process.exit(1), 50); // let the log line out
  };
  process.once('unhandledRejection', stop('a promise rejection nobody handled'));
  process.once('uncaughtException', stop('an exception nobody caught'));
}

/** Paths probes and Prometheus call every few seconds: logged at `debug` while they answer 200. */
const QUIET_WHEN_OK = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/** The service platform's HTTP metrics, or none for a module without them (a test's own). */
function httpMetricsOf(app: NestFastifyApplication): HttpMetrics | undefined {
  try {
    return app.get(HttpMetrics, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * A correlation id on every request (taken from the caller's header when well formed), and one
 * hook when the answer is sent: the duration in `http_request_duration_seconds` (by method,
 * matched route pattern and status), and the request log line. The route pattern is read once
 * (Fastify builds `routeOptions` anew on each read), and the log line is built only when its
 * level is on: the benchmarks and production run at `warn`, and this runs on every request.
 */
function installCorrelation(app: INestApplication, logger: Logger, metrics: HttpMetrics | undefined) {
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    const correlationId = sanitiseCorrelationId(request.headers[CORRELATION_HEADER]) ?? newCorrelationId();
    reply.header(CORRELATION_HEADER, correlationId);
    (request as unknown as { correlationId: string }).correlationId = correlationId;
    runWithCorrelation(correlationId, done);
  });
  // Registered after the correlation hook, so it runs inside its scope; not at all when tracing is off.
  if (tracingEnabled()) installTracing(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    const routePattern = request.routeOptions.url;
    metrics?.observe(request.method, routePattern, reply.statusCode, reply.elapsedTime / 1000);
    const level = reply.statusCode === 200 && QUIET_WHEN_OK.has(routePattern ?? '') ? 'debug' : 'info';
    if (logger.isLevelEnabled(level)) {
      const correlationId = (request as unknown as { correlationId?: string }).correlationId;
      const url = loggedPath({ url: request.url, routePattern, params: request.params });
      logger[level](
        { correlationId, method: request.method, url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    }
    done();
  });
}

const REQUEST_SPAN = Symbol('requestSpan');

type TracedRequest = FastifyRequest & { [REQUEST_SPAN]?: Span; correlationId?: string };

/**
 * A server span around every request, child of the caller's `traceparent` when it sends one, and
 * active while Nest handles the request (so an RPC request or an outbox row continues the trace).
 * Named after the matched route pattern (`POST /api/events/:id/notifications`), never the URL: a
 * landing page's token or an id never reaches a span. Ended when the answer is sent (failed at
 * 5xx), or when the client goes away first.
 */
export function installTracing(fastify: FastifyInstance) {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = extractTraceContext(request.headers);
    const correlationId = (request as TracedRequest).correlationId;
    const span = startSpan(
      request.method,
      SpanKind.SERVER,
      { 'http.request.method': request.method, ...(correlationId ? { [CORRELATION_ATTRIBUTE]: correlationId } : {}) },
      parent,
    );
    (request as TracedRequest)[REQUEST_SPAN] = span;
    withSpan(span, done, parent);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = (request as TracedRequest)[REQUEST_SPAN];
    if (span) {
      (request as TracedRequest)[REQUEST_SPAN] = undefined;
      const route = request.routeOptions.url;
      if (route) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const span = (request as TracedRequest)[REQUEST_SPAN];
    if (span) {
      (request as TracedRequest)[REQUEST_SPAN] = undefined;
      span.setAttribute('http.request.aborted', true);
      span.end();
    }
    done();
  });
}
