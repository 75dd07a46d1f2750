import type { OutboundNotification } from '../persistence/conversations.repository';
import type { ConsoleRow } from '../requests/console-rows';

/**
 * A console row that leaves now (or failed to render) as an outbound SMS of its number's
 * conversation, for the number's summary (its console row is the message itself); null for
 * anything but an SMS with a number.
 */
export function outboundNotification(
  row: Pick<ConsoleRow, 'id' | 'channel' | 'status' | 'recipient_phone' | 'sms_body'>,
  recipient: { customerId: string; name: string } | null,
  now: number,
): OutboundNotification | null {
  if (row.channel !== 'sms' || !row.recipient_phone || (row.status !== 'pending' && row.status !== 'failed')) return null;
  return {
    id: row.id,
    phone: row.recipient_phone,
    body: row.sms_body ?? '',
    at: new Date(now),
    ...(recipient ? { customer: { id: recipient.customerId, name: recipient.name } } : {}),
  };
}
