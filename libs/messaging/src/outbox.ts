import { CORRELATION_HEADER, currentCorrelationId, injectTraceContext, tracingEnabled } from '@appointments/observability';
import { quoteIdentifier } from '@appointments/persistence';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { batchRuns } from './batch-runs';
import { DomainEventEnvelope, NewDomainEvent, stampDomainEvent } from './domain-event';
import { outboxChannel } from './messaging-tables';

/** Domain events in one message at most (a pack): bounds a consumer's unacknowledged work per message. */
export const MAX_EVENTS_PER_MESSAGE = 200;

/** The header that tells how many domain events a packed message holds (for people reading the queues). */
export const PACKED_EVENTS_HEADER = 'x-domain-events';

/**
 * How the events of one transaction become messages, as lists of indexes in publishing
 * order. Events of one type go into one message (a pack, at most `MAX_EVENTS_PER_MESSAGE`),
 * by the rule consumers use for their batches (`batchRuns`): an event joins the latest pack
 * of its type, moving ahead of the packs in between, unless one of them concerns the same
 * calendar event (or an event that concerns none), so the events of one calendar event keep
 * their order. A batch handler that writes "sent" and "requested" for 500 reminders makes
 * two messages, not 1,000.
 */
export function domainEventMessages(events: readonly { type: string; eventId: string | null }[]): number[][] {
  return batchRuns(events, () => true).flatMap((run) => {
    const chunks: number[][] = [];
    for (let at = 0; at < run.length; at += MAX_EVENTS_PER_MESSAGE) chunks.push(run.slice(at, at + MAX_EVENTS_PER_MESSAGE));
    return chunks;
  });
}

/**
 * Records domain events in the caller's transaction. They are published by the
 * OutboxRelay only after that transaction commits, so a change and its events are one
 * unit: both happen or neither does.
 *
 * One row is one message: a lone event is stored as its envelope (the row's id is the
 * event's id); several events of one type recorded together are stored as a pack, an
 * array of envelopes each with its own `correlationId` (the row gets an id of its own).
 * Consumers unpack, and de-duplicate and fail per event, not per message; a pack saves the
 * outbox rows, the broker's per-message work and the consumers' per-message overhead.
 */
export class DomainEventOutbox {
  private readonly table: string;

  constructor(
    private readonly schema: string,
    private readonly producer: string,
  ) {
    this.table = `${quoteIdentifier(schema)}.outbox`;
  }

  async add(manager: EntityManager, events: NewDomainEvent[]): Promise<DomainEventEnvelope[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('DomainEventOutbox.add must run inside a transaction with the change it records');
    }
    if (events.length === 0) return [];
    const envelopes = events.map((event) => stampDomainEvent(event, this.producer));
    const current = currentCorrelationId();
    const correlationOf = (index: number) => events[index].correlationId ?? current;
    const rows = domainEventMessages(envelopes).map((indexes) => {
      if (indexes.length === 1) {
        const [index] = indexes;
        const correlationId = correlationOf(index);
        return {
          id: envelopes[index].id,
          type: envelopes[index].type,
          envelope: envelopes[index],
          headers: (correlationId ? { [CORRELATION_HEADER]: correlationId } : {}) as Record<string, unknown>,
        };
      }
      return {
        id: randomUUID(),
        type: envelopes[indexes[0]].type,
        envelope: indexes.map((index) => ({ ...envelopes[index], correlationId: correlationOf(index) })),
        headers: { [PACKED_EVENTS_HEADER]: indexes.length } as Record<string, unknown>,
      };
    });
    if (tracingEnabled()) {
      // The trace context of the work writing the rows (the request, or the event being
      // handled): the relay's publish, and every consumer after it, continue that trace.
      const trace: Record<string, unknown> = {};
      injectTraceContext(trace);
      for (const row of rows) Object.assign(row.headers, trace);
    }
    // One round trip: the rows, and the relay's wake-up call (delivered to listeners on
    // commit only; the relay's poll covers a missed one).
    await manager.query(
      `WITH stored AS (
         INSERT INTO ${this.table} (id, type, envelope, headers)
         SELECT id, type, envelope, headers FROM json_populate_recordset(NULL::${this.table}, $1::json)
         RETURNING 1
       )
       SELECT pg_notify($2, count(*)::text) FROM stored`,
      [JSON.stringify(rows), outboxChannel(this.schema)],
    );
    return envelopes;
  }
}
