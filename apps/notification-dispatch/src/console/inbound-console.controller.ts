import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload, ResponseChannel } from '@appointments/contracts';
import { DomainEventBatchContext, DomainEventContext, HANDLES_BATCHES } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { isUUID } from 'class-validator';
import { insertRows } from '@appointments/persistence';
import type { ResponseType } from '@appointments/domain';
import { EntityManager } from 'typeorm';

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
    const answered = await answeredNotifications(
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
    const inserted = await insertInboundRows(context.manager, rows);
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
      ? (await answeredNotifications(context.manager, [message.notificationId])).get(message.notificationId)
      : undefined;
    if (!answered) {
      // Without a notification there is no event, customer or type to file it under; inbound-response keeps it.
      this.logger.info(
        { messageId: message.messageId, kind: message.kind, from: message.from },
        'inbound SMS without an open notification; no console row',
      );
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
    this.logger.info(
      { messageId: message.messageId, eventId: answered.event_id, kind: message.kind, duplicate },
      'inbound SMS logged in the console',
    );
  }
}

/** What an inbound row copies from the outbound notification it answers. */
interface AnsweredNotification {
  id: string;
  event_id: string | null;
  type: string;
  config_key: string | null;
  recipient_name: string;
  recipient_email: string | null;
  recipient_phone: string | null;
  event_start: Date | null;
}

/** The outbound notifications with these ids (ids that are not UUIDs name none; nor do staged reminders, not sent yet). */
async function answeredNotifications(manager: EntityManager, ids: string[]): Promise<Map<string, AnsweredNotification>> {
  const wanted = [...new Set(ids.filter((id) => isUUID(id)))];
  if (wanted.length === 0) return new Map();
  const found: AnsweredNotification[] = await manager.query(
    `SELECT id, event_id, type, config_key, recipient_name, recipient_email, recipient_phone, event_start
       FROM notification_dispatch.notifications WHERE id = ANY($1::uuid[]) AND status <> 'staged'`,
    [wanted],
  );
  return new Map(found.map((notification) => [notification.id, notification]));
}

interface InboundRow {
  id: string;
  answered: AnsweredNotification;
  channel: ResponseChannel;
  responseType: ResponseType | null;
  reason: string | null;
  smsBody: string | null;
  providerMessageId: string | null;
  at: Date;
  phone: string | null;
}

/** Inserts the inbound rows whose ids are not there already, in one statement; answers the ids it inserted. */
async function insertInboundRows(manager: EntityManager, rows: InboundRow[]): Promise<Set<string>> {
  const inserted = await insertRows<{ id: string }>(
    manager,
    { schema: 'notification_dispatch', name: 'notifications' },
    rows.map(({ answered, ...row }) => ({
      id: row.id,
      event_id: answered.event_id,
      type: answered.type,
      config_key: answered.config_key,
      // The column is text: an inbound row's channel is the response channel (sms_reply, email_link...).
      channel: row.channel,
      direction: 'inbound',
      recipient_name: answered.recipient_name,
      recipient_email: answered.recipient_email,
      recipient_phone: row.phone ?? answered.recipient_phone,
      sms_body: row.smsBody,
      status: 'delivered',
      provider: row.providerMessageId ? 'twilio' : null,
      provider_message_id: row.providerMessageId,
      status_changed_at: row.at,
      response_type: row.responseType,
      reason: row.reason,
      answers_notification_id: answered.id,
      event_start: answered.event_start,
      sent_at: row.at,
    })),
    { skipConflicts: true, returning: ['id'] },
  );
  return new Set(inserted.map((row) => row.id));
}
