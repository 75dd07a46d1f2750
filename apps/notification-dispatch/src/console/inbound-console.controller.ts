import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload, ResponseChannel } from '@appointments/contracts';
import { DomainEventBatchContext, DomainEventContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { isUUID } from 'class-validator';
import { EntityManager, In } from 'typeorm';
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

  /** Responses that arrived together: one lookup of the notifications they answer, one insert. */
  @EventPattern(DOMAIN_EVENT.CustomerResponded, HANDLES_BATCHES)
  async onCustomerResponded(@Payload() responses: CustomerRespondedPayload[], @Ctx() context: DomainEventBatchContext) {
    const answered = await answeredNotifications(context.manager, responses.map((response) => response.notificationId));
    const rows = responses.flatMap((response): InboundRow[] => {
      const notification = answered.get(response.notificationId);
      if (!notification) {
        this.logger.warn({ responseId: response.responseId, notificationId: response.notificationId }, 'response to a notification we do not know; no console row');
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
    const inserted = await insertInboundRows(context.manager, rows);
    for (const response of responses) {
      if (!answered.has(response.notificationId)) continue;
      const fresh = inserted.has(response.responseId);
      this.logger.info(
        { responseId: response.responseId, eventId: response.eventId, response: response.response, channel: response.channel, duplicate: !fresh },
        fresh ? 'customer response logged in the console' : 'customer response already in the console',
      );
    }
  }

  @EventPattern(DOMAIN_EVENT.InboundMessageReceived)
  async onInboundMessage(@Payload() message: InboundMessageReceivedPayload, @Ctx() context: DomainEventContext) {
    const answered = message.notificationId ? (await answeredNotifications(context.manager, [message.notificationId])).get(message.notificationId) : undefined;
    if (!answered) {
      // Without a notification there is no event, customer or type to file it under; inbound-response keeps it.
      this.logger.info({ messageId: message.messageId, kind: message.kind, from: message.from }, 'inbound SMS without an open notification; no console row');
      return;
    }
    const inserted = await insertInboundRows(context.manager, [
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
    this.logger.info({ messageId: message.messageId, eventId: answered.eventId, kind: message.kind, duplicate }, 'inbound SMS logged in the console');
  }
}

/** The outbound notifications with these ids (ids that are not UUIDs name none). */
async function answeredNotifications(manager: EntityManager, ids: string[]): Promise<Map<string, NotificationEntity>> {
  const wanted = [...new Set(ids.filter((id) => isUUID(id)))];
  if (wanted.length === 0) return new Map();
  const found = await manager.findBy(NotificationEntity, { id: In(wanted) });
  return new Map(found.map((notification) => [notification.id, notification]));
}

interface InboundRow {
  id: string;
  answered: NotificationEntity;
  channel: ResponseChannel;
  responseType: NotificationEntity['responseType'];
  reason: string | null;
  smsBody: string | null;
  providerMessageId: string | null;
  at: Date;
  phone: string | null;
}

/** Inserts the inbound rows whose ids are not there already, in one statement; answers the ids it inserted. */
async function insertInboundRows(manager: EntityManager, rows: InboundRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const result = await manager
    .createQueryBuilder()
    .insert()
    .into(NotificationEntity)
    .values(
      rows.map(({ answered, ...row }) => ({
        id: row.id,
        requestId: null,
        eventId: answered.eventId,
        type: answered.type,
        configKey: answered.configKey,
        // The column is text; the entity types it for the outbound rows the delivery code reads.
        channel: row.channel as unknown as NotificationEntity['channel'],
        direction: 'inbound' as const,
        recipientName: answered.recipientName,
        recipientEmail: answered.recipientEmail,
        recipientPhone: row.phone ?? answered.recipientPhone,
        subject: null,
        text: null,
        html: null,
        smsBody: row.smsBody,
        attachments: [],
        deliveryContent: null,
        status: 'delivered' as const,
        provider: row.providerMessageId ? 'twilio' : null,
        providerMessageId: row.providerMessageId,
        statusChangedAt: row.at,
        responseType: row.responseType,
        reason: row.reason,
        answersNotificationId: answered.id,
        eventStart: answered.eventStart,
        sentAt: row.at,
      })),
    )
    .orIgnore()
    .returning(['id'])
    .execute();
  return new Set((result.raw as { id: string }[]).map((row) => row.id));
}
