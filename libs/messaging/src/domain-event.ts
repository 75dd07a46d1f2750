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

/**
 * One domain event read from a message. A message carries one event (its body is the
 * envelope) or a pack of them (its body is an array of envelopes, each with its own
 * `correlationId`; see `DomainEventOutbox`). An element of a pack that is no envelope is
 * returned with its `error`, so it is dead-lettered alone while the others are handled.
 */
export interface ReceivedDomainEvent {
  envelope: DomainEventEnvelope | null;
  error: PoisonMessage | null;
  /** The element as it was in the body, to park it on its own. */
  raw: unknown;
  /** A packed event's own correlation id (a single event's travels in the message header). */
  correlationId?: string;
  /** True when the event came in a pack (it is parked as a message of its own). */
  packed: boolean;
}

function parseBody(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    throw new PoisonMessage('message body is not JSON');
  }
}

/**
 * The domain events of a message, one or a pack. Throws `PoisonMessage` when the body as a
 * whole is unreadable (not JSON, neither an object nor a non-empty array).
 */
export function parseDomainEvents(content: Buffer): ReceivedDomainEvent[] {
  const parsed = parseBody(content);
  if (!Array.isArray(parsed)) return [{ envelope: readEnvelope(parsed), error: null, raw: parsed, packed: false }];
  if (parsed.length === 0) throw new PoisonMessage('message body is an empty pack of domain events');
  return parsed.map((raw: unknown): ReceivedDomainEvent => {
    const correlationId =
      typeof raw === 'object' && raw !== null && typeof (raw as Record<string, unknown>).correlationId === 'string'
        ? ((raw as Record<string, unknown>).correlationId as string)
        : undefined;
    try {
      return { envelope: readEnvelope(raw), error: null, raw, correlationId, packed: true };
    } catch (error) {
      return { envelope: null, error: error as PoisonMessage, raw, correlationId, packed: true };
    }
  });
}

function readEnvelope(parsed: unknown): DomainEventEnvelope {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new PoisonMessage('message body is not a JSON object');
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
