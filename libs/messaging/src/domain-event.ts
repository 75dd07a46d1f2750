import { randomUUID } from 'node:crypto';

/**
 * A domain event as it travels: a past-tense fact with a unique id (consumers de-duplicate
 * on it), the calendar event it concerns, and a versioned payload.
 */
export interface DomainEventEnvelope<P = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  /** The calendar event (appointment) the fact is about, when there is one. */
  eventId: string | null;
  producer: string;
  payload: P;
}

export interface NewDomainEvent<P = unknown> {
  type: string;
  payload: P;
  eventId?: string | null;
  version?: number;
  /** Set to make the id deterministic (e.g. derived from an inbound message id); random otherwise. */
  id?: string;
  /** The correlation id to carry; the current one (AsyncLocalStorage) when not given. */
  correlationId?: string;
}

export function stampDomainEvent<P>(event: NewDomainEvent<P>, producer: string, now = new Date()): DomainEventEnvelope<P> {
  return {
    id: event.id ?? randomUUID(),
    type: event.type,
    version: event.version ?? 1,
    occurredAt: now.toISOString(),
    eventId: event.eventId ?? null,
    producer,
    payload: event.payload,
  };
}

/** A message that can never be handled however often it is retried (unreadable, malformed). */
export class PoisonMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessage';
  }
}

export function parseDomainEvent(content: Buffer): DomainEventEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch {
    throw new PoisonMessage('message body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new PoisonMessage('message body is not a JSON object');
  const envelope = parsed as Record<string, unknown>;
  for (const field of ['id', 'type', 'occurredAt'] as const) {
    if (typeof envelope[field] !== 'string' || envelope[field] === '') {
      throw new PoisonMessage(`domain event has no ${field}`);
    }
  }
  if (!('payload' in envelope) || typeof envelope.payload !== 'object' || envelope.payload === null) {
    throw new PoisonMessage('domain event has no payload object');
  }
  return {
    id: envelope.id as string,
    type: envelope.type as string,
    version: typeof envelope.version === 'number' ? envelope.version : 1,
    occurredAt: envelope.occurredAt as string,
    eventId: typeof envelope.eventId === 'string' ? envelope.eventId : null,
    producer: typeof envelope.producer === 'string' ? envelope.producer : 'unknown',
    payload: envelope.payload,
  };
}
