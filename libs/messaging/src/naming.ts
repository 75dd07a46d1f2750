/**
 * Names of everything the platform declares on RabbitMQ. A namespace prefix (config
 * `AMQP_NAMESPACE`) keeps test runs and environments apart on one broker.
 *
 *   <ns>domain-events                     topic exchange, durable; routing key = event type
 *   <ns>domain-events.unrouted            its alternate exchange and queue: events no queue
 *                                         was bound for yet are kept here, never dropped
 *   <ns><service>.events                  the service's durable queue of domain events
 *   <ns><service>.events.retry.<n>        wait queues: TTL n, then back to <service>.events
 *   <ns><service>.events.dead-letter      parked messages, with their error, for ops
 *   <ns><service>.rpc                     the service's request queue (transient, auto-delete)
 */
export class MessagingNames {
  constructor(readonly namespace: string = '') {}

  get exchange(): string {
    return `${this.namespace}domain-events`;
  }
  /** Alternate exchange (fanout) and queue of the domain-events exchange. */
  get unrouted(): string {
    return `${this.exchange}.unrouted`;
  }
  eventQueue(service: string): string {
    return `${this.namespace}${service}.events`;
  }
  retryQueue(service: string, attempt: number): string {
    return `${this.eventQueue(service)}.retry.${attempt}`;
  }
  deadLetterQueue(service: string): string {
    return `${this.eventQueue(service)}.dead-letter`;
  }
  rpcQueue(service: string): string {
    return `${this.namespace}${service}.rpc`;
  }
}
