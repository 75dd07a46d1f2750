import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isUUID } from 'class-validator';
import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload } from '@appointments/contracts';
import { DomainEventBatchContext, DomainEventContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { ChatterLog } from '../../chatter/chatter-log';
import { ApplyCustomerResponseHandler } from './apply-customer-response.handler';
import { inboundMessageChatterBody } from './response-effect';

/** What inbound-response heard from customers, applied to their events. */
@Controller()
export class CustomerResponseController {
  constructor(
    private readonly handler: ApplyCustomerResponseHandler,
    private readonly chatter: ChatterLog,
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
    const known: unknown[] = await context.manager.query('SELECT 1 FROM scheduling.events WHERE id = $1', [eventId]);
    if (known.length === 0) {
      this.logger.warn({ messageId: message.messageId, eventId }, 'inbound SMS for an event that does not exist; dropped');
      return;
    }
    const customer: { id: string; name: string }[] =
      message.customerId && isUUID(message.customerId)
        ? await context.manager.query('SELECT id, name FROM scheduling.customers WHERE id = $1', [message.customerId])
        : [];
    await this.chatter.add(context.manager, {
      eventId,
      kind: 'inbound_message',
      body: inboundMessageChatterBody(message),
      author: customer[0] ? { id: customer[0].id, name: customer[0].name } : { name: message.from },
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
