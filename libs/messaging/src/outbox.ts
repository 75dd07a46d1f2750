import { CORRELATION_HEADER, currentCorrelationId } from '@appointments/observability';
import { insertRows } from '@appointments/persistence';
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
    await insertRows(
      manager,
      { schema: this.schema, name: 'outbox' },
      envelopes.map((envelope, index) => {
        const correlationId = events[index].correlationId ?? current;
        return { id: envelope.id, type: envelope.type, envelope, headers: correlationId ? { [CORRELATION_HEADER]: correlationId } : {} };
      }),
    );
    // Delivered to listeners on commit only; the relay's poll covers a missed notification.
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), String(envelopes.length)]);
    return envelopes;
  }
}
