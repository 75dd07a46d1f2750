import { isUUID } from 'class-validator';
import type { Channel, NotificationType } from '@appointments/domain';
import { AnsweredNotification, InboundMessagesRepository, InboundRow } from './inbound-messages.repository';
import type { InMemoryNotificationsRepository } from './notifications.repository.fake';

/** What a store of inbound rows answers: the repository's public methods. */
type InboundMessagesStore = { [Method in keyof InboundMessagesRepository]: InboundMessagesRepository[Method] };

/**
 * `InboundMessagesRepository` in memory, for unit specs: inbound rows are kept with the
 * notifications of an `InMemoryNotificationsRepository`, as they share the console's table, and a
 * row whose id is there already is left out. Its statements themselves are tested on PostgreSQL
 * in `test/integration/dispatch/dispatch-repositories.int-spec.ts`.
 */
export class InMemoryInboundMessagesRepository implements InboundMessagesStore {
  constructor(private readonly notifications: InMemoryNotificationsRepository) {}

  async answeredNotifications(_manager: unknown, ids: string[]): Promise<Map<string, AnsweredNotification>> {
    const answered = new Map<string, AnsweredNotification>();
    for (const id of new Set(ids.filter((id) => isUUID(id)))) {
      const row = this.notifications.get(id);
      if (!row || row.status === 'staged') continue;
      answered.set(id, {
        id: row.id,
        event_id: row.eventId,
        type: row.type,
        config_key: row.configKey,
        recipient_name: row.recipientName,
        recipient_email: row.recipientEmail,
        recipient_phone: row.recipientPhone,
        event_start: row.eventStart,
      });
    }
    return answered;
  }

  async logMany(_manager: unknown, rows: InboundRow[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const { answered, ...row } of rows) {
      if (this.notifications.get(row.id) || inserted.has(row.id)) continue;
      this.notifications.add({
        id: row.id,
        eventId: answered.event_id,
        type: answered.type as NotificationType,
        configKey: answered.config_key,
        // As in the table: an inbound row's channel is the response channel.
        channel: row.channel as Channel,
        direction: 'inbound',
        recipientName: answered.recipient_name,
        recipientEmail: answered.recipient_email,
        recipientPhone: row.phone ?? answered.recipient_phone,
        smsBody: row.smsBody,
        status: 'delivered',
        provider: row.providerMessageId ? 'twilio' : null,
        providerMessageId: row.providerMessageId,
        statusChangedAt: row.at,
        responseType: row.responseType,
        reason: row.reason,
        answersNotificationId: answered.id,
        eventStart: answered.event_start,
        sentAt: row.at,
      });
      inserted.add(row.id);
    }
    return inserted;
  }
}
