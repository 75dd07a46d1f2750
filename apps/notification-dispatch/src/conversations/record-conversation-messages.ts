import { Inject, Injectable } from '@nestjs/common';
import {
  ConversationCustomer,
  ConversationMessageAddedPayload,
  CustomerView,
  DOMAIN_EVENT,
  SCHEDULING_REQUEST,
  SERVICE,
} from '@appointments/contracts';
import { DomainEventOutbox, NewDomainEvent, RpcClient } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { ConversationsRepository, NewConversationMessage } from '../persistence/conversations.repository';
import { CUSTOMER_LOOKUP_AGAIN_MS } from './conversation-rules';

/** How long the lookup of a number's customer in scheduling may take before the message is kept without it. */
const CUSTOMER_LOOKUP_TIMEOUT_MS = 2_000;

/** An SMS for its conversation, and what else to do with it. */
export interface ConversationEntry extends NewConversationMessage {
  /** Tell the staff app (`ConversationMessageAdded`): inbound SMS and the automatic answers to them. */
  announce?: boolean;
  /** Find the number's customer in scheduling when the conversation does not know it (an SMS from any number). */
  lookUpCustomer?: boolean;
}

/**
 * Adds SMS to their numbers' conversations (docs/conversations.md), in the caller's transaction:
 * inbound SMS, TwiML answers and staff messages (an outbound notification is not copied: its
 * console row is the message, `ConversationsRepository.noteOutbound`). The store is asked for a
 * number's customer only when the batch does not name it; the customer of a number that has none
 * yet is looked up once (and again after
 * `CUSTOMER_LOOKUP_AGAIN_MS`) by phone in scheduling; the messages and the summaries are written
 * in one statement each; the new inbound SMS and their answers are announced through the outbox
 * with the number's customer. A message added before (a redelivered event) is neither written
 * nor announced again.
 */
@Injectable()
export class RecordConversationMessages {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly outbox: DomainEventOutbox,
    private readonly rpc: RpcClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(manager: EntityManager, entries: readonly ConversationEntry[], correlationId?: string): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    // The store is asked only about numbers whose customer the batch itself does not name.
    const given = new Map(entries.flatMap((entry) => (entry.customer ? [[entry.phone, entry.customer] as const] : [])));
    const wanted = entries
      .filter((entry) => (entry.announce || entry.lookUpCustomer) && !given.has(entry.phone))
      .map((entry) => entry.phone);
    const known = await this.conversations.knownCustomers(manager, wanted);
    const found = await this.lookUp(
      entries
        .filter((entry) => entry.lookUpCustomer && !given.has(entry.phone))
        .map((entry) => entry.phone)
        .filter((phone) => {
          const customer = known.get(phone);
          return !customer?.customer && (!customer?.checkedAt || Date.now() - customer.checkedAt.getTime() > CUSTOMER_LOOKUP_AGAIN_MS);
        }),
    );
    const messages = entries.map((entry): ConversationEntry =>
      found.has(entry.phone) && !entry.customer ? { ...entry, customer: found.get(entry.phone) } : entry,
    );
    const added = await this.conversations.addMessages(manager, messages);
    const announced = messages
      .filter((entry) => entry.announce && added.has(entry.id))
      .map((entry): NewDomainEvent => {
        const payload: ConversationMessageAddedPayload = {
          phone: entry.phone,
          customer: entry.customer ?? given.get(entry.phone) ?? found.get(entry.phone) ?? known.get(entry.phone)?.customer ?? null,
          message: {
            id: entry.id,
            direction: entry.direction,
            body: entry.body,
            at: entry.at.toISOString(),
            source: entry.source,
            status: entry.status,
            ...(entry.staffId ? { staffId: entry.staffId } : {}),
          },
        };
        return { type: DOMAIN_EVENT.ConversationMessageAdded, payload, correlationId };
      });
    if (announced.length > 0) await this.outbox.add(manager, announced);
    return added;
  }

  /** The customers with these phones in scheduling (null: none), asked once per number; a failed lookup leaves them unknown. */
  private async lookUp(phones: string[]): Promise<Map<string, ConversationCustomer | null>> {
    const found = new Map<string, ConversationCustomer | null>();
    await Promise.all(
      [...new Set(phones)].map(async (phone) => {
        try {
          const customers = await this.rpc.request<CustomerView[]>(
            SERVICE.scheduling,
            SCHEDULING_REQUEST.listCustomers,
            { search: phone },
            { timeoutMs: CUSTOMER_LOOKUP_TIMEOUT_MS },
          );
          const customer = customers.find((candidate) => candidate.phone === phone);
          found.set(phone, customer ? { id: customer.id, name: customer.name } : null);
        } catch (error) {
          this.logger.warn({ err: error, phone }, "could not look up the number's customer; the SMS is kept without it");
        }
      }),
    );
    return found;
  }
}
