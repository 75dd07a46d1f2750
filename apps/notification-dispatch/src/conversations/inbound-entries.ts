import type { CustomerRespondedPayload, InboundMessageReceivedPayload } from '@appointments/contracts';
import type { ConversationEntry } from './record-conversation-messages';

/**
 * An SMS from a customer as its conversation's message (announced, its customer looked up when
 * the number has none), and the TwiML answer it got as an automatic outbound message right after
 * it. `recipientName`: the name of the notification it answers, when there is one.
 */
export function inboundConversationEntries(message: InboundMessageReceivedPayload, recipientName: string | null): ConversationEntry[] {
  const at = new Date(message.receivedAt);
  const customer = message.customerId && recipientName ? { id: message.customerId, name: recipientName } : undefined;
  const entries: ConversationEntry[] = [
    {
      id: message.messageId,
      phone: message.from,
      direction: 'inbound',
      source: 'customer',
      body: message.body,
      at,
      status: 'delivered',
      notificationId: null,
      staffId: null,
      ...(customer ? { customer } : {}),
      announce: true,
      lookUpCustomer: true,
    },
  ];
  if (message.reply) {
    entries.push({
      id: message.reply.messageId,
      phone: message.from,
      direction: 'outbound',
      source: 'auto_reply',
      body: message.reply.body,
      // Just after the SMS it answers, so that it sorts after it.
      at: new Date(at.getTime() + 1),
      status: 'sent',
      notificationId: null,
      staffId: null,
      announce: true,
    });
  }
  return entries;
}

/** A reply code ("1") as its conversation's inbound message; null for a response that is not an SMS. */
export function respondedConversationEntry(response: CustomerRespondedPayload, recipientName: string | null): ConversationEntry | null {
  if (response.channel !== 'sms_reply' || !response.from || !response.inboundMessage) return null;
  return {
    id: response.responseId,
    phone: response.from,
    direction: 'inbound',
    source: 'customer',
    body: response.inboundMessage.body,
    at: new Date(response.respondedAt),
    status: 'delivered',
    notificationId: null,
    staffId: null,
    ...(recipientName ? { customer: { id: response.customerId, name: recipientName } } : {}),
    announce: true,
    lookUpCustomer: true,
  };
}
