import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload, ResponseChannel } from '@appointments/contracts';
import { DomainEventContext } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { NotificationEntity } from '../persistence/notification.entity';

/**
 * The console's inbound rows: a customer's response (`CustomerResponded`) and an SMS that is
 * not a code (`InboundMessageReceived`), each linked to the outbound notification it answers
 * and addressed like it (the customer's name, email and phone).
 *
 * An inbound row's `status` is `delivered`: it reached us. Its id is the response id or the
 * inbound message id, so a copy of the event that slipped past the transport's
 * de-duplication inserts nothing.
 */
@Controller()
export class InboundConsoleController {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  @EventPattern(DOMAIN_EVENT.CustomerResponded)
  async onCustomerResponded(@Payload() response: CustomerRespondedPayload, @Ctx() context: DomainEventContext) {
    const answered = await answeredNotification(context.manager, response.notificationId);
    if (!answered) {
      this.logger.warn({ responseId: response.responseId, notificationId: response.notificationId }, 'response to a notification we do not know; no console row');
      return;
    }
    const inserted = await insertInboundRow(context.manager, answered, {
      id: response.responseId,
      channel: response.channel,
      responseType: response.response,
      reason: response.reason,
      smsBody: response.inboundMessage?.body ?? null,
      providerMessageId: response.inboundMessage?.providerMessageId ?? null,
      at: new Date(response.respondedAt),
      phone: response.from,
    });
    this.logger.info(
      { responseId: response.responseId, eventId: response.eventId, response: response.response, channel: response.channel, duplicate: !inserted },
      inserted ? 'customer response logged in the console' : 'customer response already in the console',
    );
  }

  @EventPattern(DOMAIN_EVENT.InboundMessageReceived)
  async onInboundMessage(@Payload() message: InboundMessageReceivedPayload, @Ctx() context: DomainEventContext) {
    const answered = message.notificationId ? await answeredNotification(context.manager, message.notificationId) : null;
    if (!answered) {
      // Without a notification there is no event, customer or type to file it under; inbound-response keeps it.
      this.logger.info({ messageId: message.messageId, kind: message.kind, from: message.from }, 'inbound SMS without an open notification; no console row');
      return;
    }
    const inserted = await insertInboundRow(context.manager, answered, {
      id: message.messageId,
      channel: 'sms_reply',
      responseType: null,
      reason: null,
      smsBody: message.body,
      providerMessageId: message.providerMessageId,
      at: new Date(message.receivedAt),
      phone: message.from,
    });
    this.logger.info({ messageId: message.messageId, eventId: answered.eventId, kind: message.kind, duplicate: !inserted }, 'inbound SMS logged in the console');
  }
}

function answeredNotification(manager: EntityManager, id: string): Promise<NotificationEntity | null> {
  return manager.findOne(NotificationEntity, { where: { id } });
}

interface InboundRow {
  id: string;
  channel: ResponseChannel;
  responseType: NotificationEntity['responseType'];
  reason: string | null;
  smsBody: string | null;
  providerMessageId: string | null;
  at: Date;
  phone: string | null;
}

/** Inserts the inbound row unless its id is there already; answers whether it inserted. */
async function insertInboundRow(manager: EntityManager, answered: NotificationEntity, row: InboundRow): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .insert()
    .into(NotificationEntity)
    .values({
      id: row.id,
      requestId: null,
      eventId: answered.eventId,
      type: answered.type,
      configKey: answered.configKey,
      // The column is text; the entity types it for the outbound rows the delivery code reads.
      channel: row.channel as unknown as NotificationEntity['channel'],
      direction: 'inbound',
      recipientName: answered.recipientName,
      recipientEmail: answered.recipientEmail,
      recipientPhone: row.phone ?? answered.recipientPhone,
      subject: null,
      text: null,
      html: null,
      smsBody: row.smsBody,
      attachments: [],
      deliveryContent: null,
      status: 'delivered',
      provider: row.providerMessageId ? 'twilio' : null,
      providerMessageId: row.providerMessageId,
      statusChangedAt: row.at,
      responseType: row.responseType,
      reason: row.reason,
      answersNotificationId: answered.id,
      eventStart: answered.eventStart,
      sentAt: row.at,
    })
    .orIgnore()
    .returning(['id'])
    .execute();
  return (result.raw as unknown[]).length > 0;
}
