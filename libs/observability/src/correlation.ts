import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id of the work in progress. It is taken from the `x-correlation-id`
 * request header (or made) at the gateway, travels in AMQP message headers and outbox
 * rows, and is restored around every message handler, so every log line of one user
 * action carries the same id in every service.
 */
export const CORRELATION_HEADER = 'x-correlation-id';

interface CorrelationStore {
  correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationStore>();

export function newCorrelationId(): string {
  return randomUUID();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

export function runWithCorrelation<T>(correlationId: string | undefined, work: () => T): T {
  return storage.run({ correlationId: correlationId || newCorrelationId() }, work);
}

/** Accepts a caller's id only when it looks like one (no log injection through headers). */
export function sanitiseCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(value) ? value : undefined;
}
