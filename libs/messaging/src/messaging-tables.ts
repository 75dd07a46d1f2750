import { quoteIdentifier } from '@appointments/persistence';

/**
 * The two tables the messaging lib needs in every service's schema; each service's first
 * migration calls these so the tables live and migrate with the service's own data.
 *  - outbox: events committed with the change that caused them, until the relay has
 *    published them (then kept a while for audit, then pruned). One row is one message:
 *    `envelope` holds one event's envelope, or a pack of them (an array; see DomainEventOutbox).
 *  - processed_messages: ids of messages a consumer has applied, written in the same
 *    transaction as the effect, so a redelivery is recognised and skipped.
 */
export function createMessagingTablesSql(schema: string): string[] {
  const s = quoteIdentifier(schema);
  return [
    `CREATE TABLE ${s}.outbox (
      seq bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      envelope jsonb NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`,
    `CREATE INDEX outbox_unpublished ON ${s}.outbox (seq) WHERE published_at IS NULL`,
    `CREATE TABLE ${s}.processed_messages (
      consumer text NOT NULL,
      message_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`,
  ];
}

export function dropMessagingTablesSql(schema: string): string[] {
  const s = quoteIdentifier(schema);
  return [`DROP TABLE IF EXISTS ${s}.processed_messages`, `DROP TABLE IF EXISTS ${s}.outbox`];
}

export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}
