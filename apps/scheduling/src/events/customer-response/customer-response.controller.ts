import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isUUID } from 'class-validator';
import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload } from '@appointments/contracts';
import { DomainEventBatchContext, DomainEventContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { CustomersRepository } from '../../persistence/customers.repository';
import { EventsRepository } from '../../persistence/events.repository';
import { ApplyCustomerResponseHandler } from './apply-customer-response.handler';
import { inboundMessageChatterBody } from './response-effect';

/** What inbound-response heard from customers, applied to their events. */
@Controller()
export class CustomerResponseController {
  constructor(
    private readonly handler: ApplyCustomerResponseHandler,
    private readonly events: EventsRepository,
    private readonly customers: CustomersRepository,
    private readonly chatter: ChatterEntriesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Responses that arrived together are applied as one batch (a handful of statements in all). */
  @EventPattern(DOMAIN_EVENT.CustomerResponded, HANDLES_BATCHES)
  async onCustomerResponded(@Payload() responses: CustomerRespondedPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.handler.executeMany(responses, context);
  }

  /**
   * An SMS that was not a reply code, matched to an event: a chatter line, no status change.
   * One without an event (no open notification for the number), or for an event that no
   * longer exists, is only logged: the console row is notification-dispatch's.
   */
  @EventPattern(DOMAIN_EVENT.InboundMessageReceived)
  async onInboundMessage(@Payload() message: InboundMessageReceivedPayload, @Ctx() context: DomainEventContext) {
    const eventId = message.eventId;
    if (!eventId || !isUUID(eventId)) {
      this.logger.info({ messageId: message.messageId, kind: message.kind }, 'inbound SMS for no event; nothing for the chatter');
      return;
    }
    if (!(await this.events.isKnown(context.manager, eventId))) {
      this.logger.warn({ messageId: message.messageId, eventId }, 'inbound SMS for an event that does not exist; dropped');
      return;
    }
    const customer =
      message.customerId && isUUID(message.customerId) ? await this.customers.nameOf(context.manager, message.customerId) : null;
    await this.chatter.add(context.manager, {
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
