import { Injectable } from '@nestjs/common';
import type { ResponseChannel } from '@appointments/contracts';
import type { RecordedResponseFacts, ResponseType } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { EntityManager } from 'typeorm';

const RESPONSES_TABLE = { schema: 'inbound_response', name: 'responses' };

/** A response to record, with the id of the `CustomerResponded` that publishes it. */
export interface NewCustomerResponse {
  id: string;
  eventId: string;
  customerId: string;
  notificationId: string;
  response: ResponseType;
  reason: string | null;
  channel: ResponseChannel;
  fromPhone: string | null;
  providerMessageId: string | null;
  domainEventId: string;
}

/**
 * Every statement about `inbound_response.responses`, the customers' responses. Each runs in the
 * caller's transaction: recording responses is lock, read the latest, insert, all in one.
 */
@Injectable()
export class CustomerResponsesRepository {
  /**
   * Takes the transaction-scoped advisory lock of each of these events' responses, in the order
   * given (give them sorted, so that two transactions cannot deadlock): every recorder of a
   * response to an event takes the same key, so responses to one event are serialised.
   */
  async lockEvents(manager: EntityManager, eventIds: readonly string[]): Promise<void> {
    // unnest hands the keys over in the array's order.
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest($1::text[]) AS key', [
      eventIds.map((eventId) => `customer-response:${eventId}`),
    ]);
  }

  /** The latest response recorded to each of these events that has one, by event id. */
  async latestOfEvents(manager: EntityManager, eventIds: readonly string[]): Promise<Map<string, RecordedResponseFacts>> {
    const stored: { id: string; event_id: string; response: ResponseType; reason: string | null; created_at: Date }[] = await manager.query(
      `SELECT DISTINCT ON (event_id) id, event_id, response, reason, created_at
         FROM inbound_response.responses
        WHERE event_id = ANY($1::uuid[])
        ORDER BY event_id, created_at DESC`,
      [eventIds],
    );
    return new Map<string, RecordedResponseFacts>(
      stored.map((row) => [row.event_id, { id: row.id, response: row.response, reason: row.reason, createdAt: row.created_at }]),
    );
  }

  /**
   * Records these responses, one statement for all of them. `created_at` takes its default,
   * `clock_timestamp()`, so that rows written together keep their order.
   */
  async add(manager: EntityManager, responses: readonly NewCustomerResponse[]): Promise<void> {
    await insertRows(
      manager,
      RESPONSES_TABLE,
      responses.map((response) => ({
        id: response.id,
        event_id: response.eventId,
        customer_id: response.customerId,
        notification_id: response.notificationId,
        response: response.response,
        reason: response.reason,
        channel: response.channel,
        from_phone: response.fromPhone,
        provider_message_id: response.providerMessageId,
        domain_event_id: response.domainEventId,
      })),
    );
  }
}
