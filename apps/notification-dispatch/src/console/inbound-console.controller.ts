import { Controller, Inject, Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload } from '@appointments/contracts';
import { DomainEventBatchContext, DomainEventContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { inboundConversationEntries, respondedConversationEntry } from '../conversations/inbound-entries';
import { RecordConversationMessages } from '../conversations/record-conversation-messages';
import { InboundMessagesRepository, InboundRow } from '../persistence/inbound-messages.repository';

/**
 * The console's inbound rows: a customer's response (`CustomerResponded`) and an SMS that is
 * not a code (`InboundMessageReceived`), each linked to the outbound notification it answers
 * and addressed like it (the customer's name, email and phone).
 *
 * An inbound row's `status` is `delivered`: it reached us. Its id is the response id or the
 * inbound message id, so a copy of the event that slipped past the transport's
 * de-duplication inserts nothing.
 *
 * Every SMS from a customer (and the TwiML answer it got) also goes to its number's
 * conversation (`RecordConversationMessages`), whether or not a notification is open.
 */
@Controller()
export class InboundConsoleController {
  constructor(
    private readonly inbound: InboundMessagesRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly conversations?: RecordConversationMessages,
  ) {}

  /** Responses that arrived together: one lookup of the notifications they answer, one insert. */
  @EventPattern(DOMAIN_EVENT.CustomerResponded, HANDLES_BATCHES)
  async onCustomerResponded(@Payload() responses: CustomerRespondedPayload[], @Ctx() context: DomainEventBatchContext) {
    const answered = await this.inbound.answeredNotifications(
      context.manager,
      responses.map((response) => response.notificationId),
    );
    const rows = responses.flatMap((response): InboundRow[] => {
      const notification = answered.get(response.notificationId);
      if (!notification) {
        this.logger.warn(
          { responseId: response.responseId, notificationId: response.notificationId },
          'response to a notification we do not know; no console row',
        );
        return [];
      }
      return [
        {
          id: response.responseId,
          answered: notification,
          channel: response.channel,
          responseType: response.response,
          reason: response.reason,
          smsBody: response.inboundMessage?.body ?? null,
          providerMessageId: response.inboundMessage?.providerMessageId ?? null,
          at: new Date(response.respondedAt),
          phone: response.from,
        },
      ];
    });
    const inserted = await this.inbound.logMany(context.manager, rows);
    await this.conversations?.execute(
      context.manager,
      responses.flatMap((response) => {
        const entry = respondedConversationEntry(response, answered.get(response.notificationId)?.recipient_name ?? null);
        return entry ? [entry] : [];
      }),
      context.correlationIds[0],
    );
    for (const response of responses) {
      if (!answered.has(response.notificationId)) continue;
      const fresh = inserted.has(response.responseId);
      this.logger.info(
        {
          responseId: response.responseId,
          eventId: response.eventId,
          response: response.response,
          channel: response.channel,
          duplicate: !fresh,
        },
        fresh ? 'customer response logged in the console' : 'customer response already in the console',
      );
    }
  }

  @EventPattern(DOMAIN_EVENT.InboundMessageReceived)
  async onInboundMessage(@Payload() message: InboundMessageReceivedPayload, @Ctx() context: DomainEventContext) {
    const answered = message.notificationId
      ? (await this.inbound.answeredNotifications(context.manager, [message.notificationId])).get(message.notificationId)
      : undefined;
    await this.conversations?.execute(context.manager, inboundConversationEntries(message, answered?.recipient_name ?? null));
    if (!answered) {
      // Without a notification there is no event, customer or type to file it under; inbound-response keeps it.
      this.logger.info(
        { messageId: message.messageId, kind: message.kind, from: message.from },
        'inbound SMS without an open notification; no console row',
      );
      return;
    }
    const inserted = await this.inbound.logMany(context.manager, [
      {
        id: message.messageId,
        answered,
        channel: 'sms_reply',
        responseType: null,
        reason: null,
        smsBody: message.body,
        providerMessageId: message.providerMessageId,
        at: new Date(message.receivedAt),
        phone: message.from,
      },
    ]);
    const duplicate = !inserted.has(message.messageId);
    this.logger.info(
      { messageId: message.messageId, eventId: answered.event_id, kind: message.kind, duplicate },
      'inbound SMS logged in the console',
    );
  }
}
