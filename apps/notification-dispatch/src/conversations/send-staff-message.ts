import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { INBOUND_REQUEST, SendStaffMessageCommand, SERVICE, STAFF_MESSAGE_TYPE, StopListEntryView } from '@appointments/contracts';
import { NoChannelAvailable } from '@appointments/domain';
import { RpcClient } from '@appointments/messaging';
import { countSmsSegments } from '@appointments/notification-content';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NotificationDelivery } from '../delivery/notification-delivery';
import { ConversationsRepository } from '../persistence/conversations.repository';
import { NotificationsRepository } from '../persistence/notifications.repository';
import { ConsoleRow } from '../requests/console-rows';
import { RecordConversationMessages } from './record-conversation-messages';

/**
 * A staff member's SMS to a number (a reply or a first message), through the normal SMS path: a
 * console row `pending` (type `staff_message`, no event) with its segments, its conversation
 * message (source `staff`, the author), both in one transaction; then the delivery every
 * notification gets (retries, provider report, console). A number on the SMS stop list is refused
 * with 422 and nothing is written or sent; the list is inbound-response's, asked here.
 */
@Injectable()
export class SendStaffMessage {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rpc: RpcClient,
    private readonly notifications: NotificationsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly record: RecordConversationMessages,
    private readonly delivery: NotificationDelivery,
  ) {}

  async execute(command: SendStaffMessageCommand, correlationId?: string): Promise<{ id: string }> {
    const stopped = await this.rpc.request<StopListEntryView[]>(SERVICE.inboundResponse, INBOUND_REQUEST.listStopList, {
      channel: 'sms',
      address: command.phone,
    });
    if (stopped.some((entry) => entry.address === command.phone)) {
      throw new NoChannelAvailable(`${command.phone} is on the SMS stop list (the customer opted out); nothing was sent`, {
        phone: command.phone,
        reason: 'opted_out',
      });
    }
    const id = randomUUID();
    const segments = countSmsSegments(command.body);
    await this.dataSource.transaction(async (manager) => {
      const known = (await this.conversations.knownCustomers(manager, [command.phone])).get(command.phone)?.customer ?? null;
      const row: ConsoleRow = {
        id,
        request_id: id,
        event_id: null,
        type: STAFF_MESSAGE_TYPE,
        config_key: null,
        channel: 'sms',
        direction: 'outbound',
        recipient_name: known?.name ?? command.phone,
        recipient_email: null,
        recipient_phone: command.phone,
        event_start: null,
        status: 'pending',
        error: null,
        subject: null,
        body_html: null,
        body_text: null,
        sms_body: command.body,
        attachments: [],
        sms_segments: segments.segments,
        sms_encoding: segments.encoding,
        // The exact text: a staff message has no landing token to put back.
        delivery_content: {
          from: null,
          exact: { from: null, subject: null, html: null, text: null, smsBody: command.body, attachments: [] },
        },
        dedupe_key: null,
        reminder: null,
      };
      await this.notifications.logRequested(manager, [{ row }]);
      await this.record.execute(manager, [
        {
          id,
          phone: command.phone,
          direction: 'outbound',
          source: 'staff',
          body: command.body,
          at: new Date(),
          status: 'pending',
          notificationId: id,
          staffId: command.staff.id,
        },
      ]);
    });
    void this.delivery.deliverNow(new Map([[id, correlationId]]));
    return { id };
  }
}
