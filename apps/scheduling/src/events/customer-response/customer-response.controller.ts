import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload } from '@appointments/contracts';
import { DomainEventBatchContext, DomainEventContext, HANDLES_BATCHES } from '@appointments/messaging';
import { ApplyCustomerResponse } from './apply-customer-response';
import { RecordInboundMessage } from './record-inbound-message';

/** What inbound-response heard from customers, handed to the use cases in the consumer's transaction. */
@Controller()
export class CustomerResponseController {
  constructor(
    private readonly applyCustomerResponse: ApplyCustomerResponse,
    private readonly recordInboundMessage: RecordInboundMessage,
  ) {}

  /** Responses that arrived together are applied as one list (a handful of statements in all). */
  @EventPattern(DOMAIN_EVENT.CustomerResponded, HANDLES_BATCHES)
  async onCustomerResponded(@Payload() responses: CustomerRespondedPayload[], @Ctx() context: DomainEventBatchContext) {
    await this.applyCustomerResponse.execute(responses, context.manager);
  }

  /** An SMS that was not a reply code: a line in its event's chatter. */
  @EventPattern(DOMAIN_EVENT.InboundMessageReceived)
  async onInboundMessage(@Payload() message: InboundMessageReceivedPayload, @Ctx() context: DomainEventContext) {
    await this.recordInboundMessage.execute(message, context.manager);
  }
}
