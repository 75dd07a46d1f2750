import { Inject, Injectable } from '@nestjs/common';
import { InboundMessageReceivedPayload } from '@appointments/contracts';
import { LOGGER } from '@appointments/observability';
import { isUUID } from 'class-validator';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { CustomersRepository } from '../../persistence/customers.repository';
import { EventsRepository } from '../../persistence/events.repository';
import { inboundMessageChatterBody } from './response-effect';

/**
 * An SMS that was not a reply code (`InboundMessageReceived`), matched to an event: a chatter
 * line, no status change, in the caller's transaction (the consumer's). One without an event (no
 * open notification for the number), or for an event that no longer exists, is only logged: the
 * console row is notification-dispatch's. The line's `sourceId` is `inbound:<messageId>`, so a
 * message told twice is written once.
 */
@Injectable()
export class RecordInboundMessage {
  constructor(
    private readonly events: EventsRepository,
    private readonly customers: CustomersRepository,
    private readonly chatter: ChatterEntriesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(message: InboundMessageReceivedPayload, manager: EntityManager): Promise<void> {
    const eventId = message.eventId;
    if (!eventId || !isUUID(eventId)) {
      this.logger.info({ messageId: message.messageId, kind: message.kind }, 'inbound SMS for no event; nothing for the chatter');
      return;
    }
    if (!(await this.events.isKnown(manager, eventId))) {
      this.logger.warn({ messageId: message.messageId, eventId }, 'inbound SMS for an event that does not exist; dropped');
      return;
    }
    const customer = message.customerId && isUUID(message.customerId) ? await this.customers.nameOf(manager, message.customerId) : null;
    await this.chatter.add(manager, {
      eventId,
      kind: 'inbound_message',
      body: inboundMessageChatterBody(message),
      author: customer ? { id: customer.id, name: customer.name } : { name: message.from },
      channel: 'sms',
      data: {
        messageId: message.messageId,
        providerMessageId: message.providerMessageId,
        kind: message.kind,
        from: message.from,
        to: message.to,
        text: message.body,
        notificationId: message.notificationId,
        receivedAt: message.receivedAt,
      },
      sourceId: `inbound:${message.messageId}`,
    });
  }
}
