import type { ConversationCustomer } from '@appointments/contracts';
import type { ConsoleRow } from '../requests/console-rows';
import { sourceOfNotificationType } from './conversation-rules';
import type { ConversationEntry } from './record-conversation-messages';

/** A console row that leaves now (or failed to render) as its number's conversation message; null for anything but an SMS with a number. */
export function outboundConversationEntry(
  row: Pick<ConsoleRow, 'id' | 'channel' | 'type' | 'status' | 'recipient_phone' | 'sms_body'>,
  recipient: { customerId: string; name: string } | null,
  now: number,
): ConversationEntry | null {
  if (row.channel !== 'sms' || !row.recipient_phone || (row.status !== 'pending' && row.status !== 'failed')) return null;
  const customer: ConversationCustomer | undefined = recipient ? { id: recipient.customerId, name: recipient.name } : undefined;
  return {
    id: row.id,
    phone: row.recipient_phone,
    direction: 'outbound',
    source: sourceOfNotificationType(row.type),
    body: row.sms_body ?? '',
    at: new Date(now),
    status: row.status,
    notificationId: row.id,
    staffId: null,
    ...(customer ? { customer } : {}),
  };
}
