import {
  contextWithSpan,
  CORRELATION_ATTRIBUTE,
  CORRELATION_HEADER,
  currentCorrelationId,
  endSpan,
  injectTraceContext,
  SpanKind,
  startSpan,
  tracingEnabled,
} from '@appointments/observability';
import type { Channel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AmqpConnection } from './amqp-connection';
import { ErrorShape } from './failure-policy';
import { MessagingNames } from './naming';
import { RemoteServiceError, ServiceTimeout, ServiceUnavailable } from './rpc-errors';

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

interface Pending {
  service: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/response over RabbitMQ with direct reply-to. A request is published `mandatory`
 * to the service's auto-delete request queue: when the service is down the queue is gone
 * and the broker returns the message at once (→ ServiceUnavailable, 503); a service that
 * does not answer in time gives ServiceTimeout (504). Requests carry an expiration equal
 * to the timeout so a late service never works on a request nobody waits for.
 */
export class RpcClient {
  private channel: Promise<Channel> | null = null;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: MessagingNames,
    private readonly defaultTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    connection.on('disconnected', () => {
      this.channel = null;
      for (const [id, pending] of this.pending) {
        this.settle(id, () => pending.reject(new ServiceUnavailable(pending.service, 'the connection to RabbitMQ was lost')));
      }
    });
  }

  async request<T>(service: string, pattern: string, payload: unknown, options: { timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    // A request published now would block the connection (and this process's other traffic on it) until the alarm ends.
    if (this.connection.isBlocked) throw new ServiceUnavailable(service, 'RabbitMQ blocks publishers (resource alarm)');
    let channel: Channel;
    try {
      channel = await this.getChannel();
    } catch (error) {
      throw new ServiceUnavailable(service, error instanceof Error ? error.message : String(error));
    }
    const id = randomUUID();
    const correlation = currentCorrelationId();
    const headers: Record<string, unknown> = correlation ? { [CORRELATION_HEADER]: correlation } : {};
    // Traced: a client span for the round trip, its context in the request's headers (none when off).
    const span = tracingEnabled() ? this.requestSpan(service, pattern, correlation, headers) : null;
    const request = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, () => reject(new ServiceTimeout(service, timeoutMs))), timeoutMs);
      this.pending.set(id, { service, resolve: resolve as (value: unknown) => void, reject, timer });
      try {
        channel.publish('', this.names.rpcQueue(service), Buffer.from(JSON.stringify(payload ?? null)), {
          replyTo: REPLY_QUEUE,
          correlationId: id,
          type: pattern,
          mandatory: true,
          persistent: false,
          expiration: String(timeoutMs),
          contentType: 'application/json',
          headers,
        });
      } catch (error) {
        this.settle(id, () => reject(new ServiceUnavailable(service, String(error))));
      }
    });
    if (!span) return request;
    return request.then(
      (data) => {
        endSpan(span);
        return data;
      },
      (error: unknown) => {
        endSpan(span, error);
        throw error;
      },
    );
  }

  /** A client span for one request (child of the active span: the HTTP request's), injected into its headers. */
  private requestSpan(service: string, pattern: string, correlationId: string | undefined, headers: Record<string, unknown>) {
    const span = startSpan(`${service} ${pattern}`, SpanKind.CLIENT, {
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': this.names.rpcQueue(service),
      'rpc.service': service,
      'rpc.method': pattern,
      ...(correlationId ? { [CORRELATION_ATTRIBUTE]: correlationId } : {}),
    });
    injectTraceContext(headers, contextWithSpan(span));
    return span;
  }

  private settle(id: string, action: () => void) {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    action();
  }

  private getChannel(): Promise<Channel> {
    if (this.channel) return this.channel;
    const created = (async () => {
      const channel = await this.connection.createChannel();
      channel.on('error', (error) => this.logger.warn({ err: error }, 'RPC channel error'));
      channel.on('close', () => {
        if (this.channel === created) this.channel = null;
      });
      channel.on('return', (message: ConsumeMessage) => {
        const id = message.properties.correlationId as string;
        const pending = this.pending.get(id);
        if (pending) this.settle(id, () => pending.reject(new ServiceUnavailable(pending.service, 'it is not running')));
      });
      await channel.consume(REPLY_QUEUE, (message) => message && this.onReply(message), { noAck: true });
      return channel;
    })();
    created.catch(() => {
      if (this.channel === created) this.channel = null;
    });
    this.channel = created;
    return created;
  }

  private onReply(message: ConsumeMessage) {
    const id = message.properties.correlationId as string;
    const pending = this.pending.get(id);
    if (!pending) return; // timed out already
    let reply: { ok: boolean; data?: unknown; error?: ErrorShape };
    try {
      reply = JSON.parse(message.content.toString('utf8'));
    } catch {
      this.settle(id, () => pending.reject(new RemoteServiceError(pending.service, { code: 'internal', message: 'unreadable reply' })));
      return;
    }
    this.settle(id, () =>
      reply.ok
        ? pending.resolve(reply.data)
        : pending.reject(new RemoteServiceError(pending.service, reply.error ?? { code: 'internal', message: 'unknown error' })),
    );
  }
}
