import { InvalidInput } from '@appointments/domain';
import {
  conversationSearch,
  decodeConversationCursor,
  decodeMessageCursor,
  encodeCursor,
  sourceOfNotificationType,
  windowStart,
} from './conversation-rules';
import { inboundConversationEntries, respondedConversationEntry } from './inbound-entries';
import { outboundNotification } from './outbound-entries';

describe('conversation rules', () => {
  it.each([
    ['confirmation', 'notification'],
    ['rsvp_request', 'notification'],
    ['reminder', 'notification'],
    ['update', 'notification'],
    ['cancellation', 'notification'],
    ['auto_reply', 'auto_reply'],
    ['staff_message', 'staff'],
  ])('an outbound %s is of source %s', (type, source) => {
    expect(sourceOfNotificationType(type)).toBe(source);
  });

  it.each([
    ['', null],
    ['   ', null],
    ['jane', { name: 'jane' }],
    ['Jane Doe', { name: 'Jane Doe' }],
    ['415 555', { digits: '415555' }],
    ['+1 (415) 555-0100', { digits: '14155550100' }],
    ['50%', { name: '50%' }],
    ['-', { name: '-' }],
  ])('search %j means %j', (search, meaning) => {
    expect(conversationSearch(search)).toEqual(meaning);
  });

  it('cursors come back as they went', () => {
    const conversation = { unread: true, at: '2026-01-15T13:00:00.123Z', phone: '+14155550100' };
    expect(decodeConversationCursor(encodeCursor(conversation))).toEqual(conversation);
    const message = { at: '2026-01-15T13:00:00.123Z', id: '0d6f3a2b-1c4e-4f5a-8b9c-7d6e5f4a3b2c' };
    expect(decodeMessageCursor(encodeCursor(message))).toEqual(message);
  });

  it.each([
    ['not base64 json', 'x!'],
    ['an array', Buffer.from('[]').toString('base64url')],
    ['a message cursor', encodeCursor({ at: '2026-01-15T13:00:00.000Z', id: '0d6f3a2b-1c4e-4f5a-8b9c-7d6e5f4a3b2c' })],
    ['a bad instant', encodeCursor({ unread: false, at: 'yesterday', phone: '+1' })],
  ])('a list cursor that is %s is invalid input', (_what, text) => {
    expect(() => decodeConversationCursor(text)).toThrow(InvalidInput);
  });

  it.each([
    ['a list cursor', encodeCursor({ unread: false, at: '2026-01-15T13:00:00.000Z', phone: '+1' })],
    ['an id that is no uuid', encodeCursor({ at: '2026-01-15T13:00:00.000Z', id: "1' OR 1=1" })],
  ])('a message cursor that is %s is invalid input', (_what, text) => {
    expect(() => decodeMessageCursor(text)).toThrow(InvalidInput);
  });

  it('the window is the last 30 days', () => {
    expect(windowStart(new Date('2026-03-31T12:00:00Z')).toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });
});

describe('conversation entries', () => {
  type Row = Parameters<typeof outboundNotification>[0];
  const base: Row = { id: 'n1', channel: 'sms', status: 'pending', recipient_phone: '+14155550100', sms_body: 'Hi' };

  it.each([
    ['an SMS leaving now', base, true],
    ['a render failure', { ...base, status: 'failed', sms_body: null }, true],
    ['an email', { ...base, channel: 'email' }, false],
    ['a staged reminder', { ...base, status: 'staged' }, false],
    ['a skipped channel', { ...base, status: 'skipped' }, false],
    ['an SMS without a number', { ...base, recipient_phone: null }, false],
  ] as [string, Row, boolean][])('%s → an outbound SMS of its conversation: %s', (_what, row, kept) => {
    const outbound = outboundNotification(row, { customerId: 'c1', name: 'Jane' }, 0);
    expect(outbound !== null).toBe(kept);
    if (outbound) {
      expect(outbound).toEqual({
        id: 'n1',
        phone: '+14155550100',
        body: row.sms_body ?? '',
        at: new Date(0),
        customer: { id: 'c1', name: 'Jane' },
      });
    }
  });

  it('an outbound SMS without a recipient (a released reminder) names no customer', () => {
    expect(outboundNotification(base, null, 0)).not.toHaveProperty('customer');
  });

  const received = {
    messageId: 'm1',
    providerMessageId: 'SM1',
    from: '+14155550100',
    to: '+15005550006',
    body: 'HELP',
    receivedAt: '2026-01-15T13:00:00.000Z',
    kind: 'help' as const,
    eventId: null,
    notificationId: null,
    customerId: null,
  };

  it.each([
    ['without an answer', { ...received, reply: null }, ['inbound']],
    ['before answers were carried', received, ['inbound']],
    ['with its TwiML answer', { ...received, reply: { messageId: 'm2', body: 'Help text' } }, ['inbound', 'outbound']],
  ])('an inbound SMS %s', (_what, message, directions) => {
    const entries = inboundConversationEntries(message, null);
    expect(entries.map((entry) => entry.direction)).toEqual(directions);
    expect(entries[0]).toMatchObject({ source: 'customer', status: 'delivered', announce: true, lookUpCustomer: true });
    expect(entries[0].customer).toBeUndefined();
    if (entries[1])
      expect(entries[1]).toMatchObject({ id: 'm2', source: 'auto_reply', status: 'sent', at: new Date('2026-01-15T13:00:00.001Z') });
  });

  it('a reply code by SMS is an inbound message with its customer; a landing-page answer is none', () => {
    const response = {
      responseId: 'r1',
      eventId: 'e1',
      customerId: 'c1',
      response: 'accept' as const,
      reason: null,
      channel: 'sms_reply' as const,
      notificationId: 'n1',
      configKey: 'confirmation',
      respondedAt: '2026-01-15T13:00:00.000Z',
      from: '+14155550100',
      autoReply: null,
      inboundMessage: { body: '1', providerMessageId: 'SM1' },
    };
    expect(respondedConversationEntry(response, 'Jane')).toMatchObject({ id: 'r1', body: '1', customer: { id: 'c1', name: 'Jane' } });
    expect(respondedConversationEntry({ ...response, channel: 'email_link', from: null, inboundMessage: null }, 'Jane')).toBeNull();
  });
});
