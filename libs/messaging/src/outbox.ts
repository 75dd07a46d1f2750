import { CORRELATION_HEADER, currentCorrelationId } from '@appointments/observability';
import { quoteIdentifier } from '@appointments/persistence';
import { EntityManager } from 'typeorm';
import { DomainEventEnvelope, NewDomainEvent, stampDomainEvent } from './domain-event';
import { outboxChannel } from './messaging-tables';

/**
 * Records domain events in the caller's transaction. They are published by the
 * OutboxRelay only after that transaction commits, so a change and its events are one
 * unit: both happen or neither does.
 */
export class DomainEventOutbox {
  constructor(
    private readonly schema: string,
    private readonly producer: string,
  ) {}

  async add(manager: EntityManager, events: NewDomainEvent[]): Promise<DomainEventEnvelope[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('DomainEventOutbox.add must run inside a transaction with the change it records');
    }
    if (events.length === 0) return [];
    const envelopes = events.map((event) => stampDomainEvent(event, this.producer));
    const current = currentCorrelationId();
    const values: unknown[] = [];
    const rows = envelopes.map((envelope, index) => {
      const correlationId = events[index].correlationId ?? current;
      const headers = correlationId ? { [CORRELATION_HEADER]: correlationId } : {};
      values.push(envelope.id, envelope.type, JSON.stringify(envelope), JSON.stringify(headers));
      const base = index * 4;
      return `($${base + 1}, $${base + 2}, $${base + 3}::jsonb, $${base + 4}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO ${quoteIdentifier(this.schema)}.outbox (id, type, envelope, headers) VALUES ${rows.join(', ')}`,
      values,
    );
    // Delivered to listeners on commit only; the relay's poll covers a missed notification.
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), String(envelopes.length)]);
    return envelopes;
  }
}
