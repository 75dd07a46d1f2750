import type { CustomerRespondedPayload, InboundMessageReceivedPayload } from '@appointments/contracts';
import type { DomainEventBatchContext, DomainEventContext } from '@appointments/messaging';
import pino from 'pino';
import type { EntityManager } from 'typeorm';
import type { InboundMessagesRepository } from '../persistence/inbound-messages.repository';
import { InMemoryInboundMessagesRepository } from '../persistence/inbound-messages.repository.fake';
import { InMemoryNotificationsRepository } from '../persistence/notifications.repository.fake';
import { InboundConsoleController } from './inbound-console.controller';

const EVENT = '5b0c9a4e-8f3c-4d8e-9d55-1f2a3b4c5d6e';
const EVENT_START = new Date('2027-01-02T15:00:00.000Z');

/** The controller over in-memory stores holding one sent SMS reminder; `inbound` lists the console's inbound rows. */
function harness() {
  const notifications = new InMemoryNotificationsRepository();
  const sms = notifications.add({
    eventId: EVENT,
    type: 'reminder',
    configKey: 'day-before',
    channel: 'sms',
    recipientName: 'Jane Doe',
    recipientEmail: 'jane@example.com',
    recipientPhone: '+14155550100',
    status: 'sent',
    eventStart: EVENT_START,
  });
  const controller = new InboundConsoleController(
    new InMemoryInboundMessagesRepository(notifications) as unknown as InboundMessagesRepository,
    pino({ level: 'silent' }),
  );
  const context = { manager: {} as EntityManager } as DomainEventBatchContext & DomainEventContext;
  return {
    notifications,
    sms,
    inbound: () => notifications.all().filter((row) => row.direction === 'inbound'),
    responded: (responses: CustomerRespondedPayload[]) => controller.onCustomerResponded(responses, context),
    received: (message: InboundMessageReceivedPayload) => controller.onInboundMessage(message, context),
  };
}

function response(notificationId: string, fields: Partial<CustomerRespondedPayload> = {}): CustomerRespondedPayload {
  return {
    responseId: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
    eventId: EVENT,
    customerId: '0d6f3a2b-1c4e-4f5a-8b9c-7d6e5f4a3b2c',
    response: 'decline',
    reason: 'out of town',
    channel: 'sms_reply',
    notificationId,
    configKey: 'day-before',
    respondedAt: '2027-01-01T12:00:00.000Z',
    from: '+14155550100',
    autoReply: null,
    inboundMessage: { body: '2 out of town', providerMessageId: 'SM-in-1' },
    ...fields,
  };
}

function message(notificationId: string | null): InboundMessageReceivedPayload {
  return {
    messageId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    providerMessageId: 'SM-in-2',
    from: '+14155550199',
    to: '+14155550000',
    body: 'running late',
    receivedAt: '2027-01-01T12:30:00.000Z',
    kind: 'message',
    eventId: notificationId ? EVENT : null,
    notificationId,
    customerId: null,
  };
}

describe('InboundConsoleController: responses and inbound SMS go into the console beside what they answer', () => {
  it('logs a response as a delivered inbound row, addressed and filed like the notification it answers', async () => {
    const { sms, inbound, responded } = harness();
    await responded([response(sms.id)]);
    expect(inbound()).toEqual([
      expect.objectContaining({
        id: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
        direction: 'inbound',
        status: 'delivered',
        channel: 'sms_reply',
        eventId: EVENT,
        type: 'reminder',
        configKey: 'day-before',
        recipientName: 'Jane Doe',
        recipientEmail: 'jane@example.com',
        recipientPhone: '+14155550100',
        responseType: 'decline',
        reason: 'out of town',
        smsBody: '2 out of town',
        provider: 'twilio',
        providerMessageId: 'SM-in-1',
        answersNotificationId: sms.id,
        eventStart: EVENT_START,
        sentAt: new Date('2027-01-01T12:00:00.000Z'),
      }),
    ]);
  });

  it('logs a response once, however often it arrives', async () => {
    const { sms, inbound, responded } = harness();
    await responded([response(sms.id), response(sms.id)]);
    await responded([response(sms.id)]);
    expect(inbound()).toHaveLength(1);
  });

  it('logs no row for a response to a notification it does not know, nor to a staged reminder; the others go in', async () => {
    const { notifications, sms, inbound, responded } = harness();
    const staged = notifications.add({ channel: 'sms', status: 'staged' });
    await responded([
      response('not-a-uuid', { responseId: 'b1' }),
      response('7f1d2c3b-4a5e-4f60-8a9b-0c1d2e3f4a5b', { responseId: 'b2' }),
      response(staged.id, { responseId: 'b3' }),
      response(sms.id, { responseId: 'b4', channel: 'email_link', inboundMessage: null, from: null }),
    ]);
    expect(inbound()).toEqual([
      expect.objectContaining({ id: 'b4', channel: 'email_link', smsBody: null, provider: null, recipientPhone: '+14155550100' }),
    ]);
  });

  it('logs an inbound SMS from the number it came from, as answering the open notification', async () => {
    const { sms, inbound, received } = harness();
    await received(message(sms.id));
    expect(inbound()).toEqual([
      expect.objectContaining({
        id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        channel: 'sms_reply',
        recipientPhone: '+14155550199',
        smsBody: 'running late',
        responseType: null,
        answersNotificationId: sms.id,
      }),
    ]);
  });

  it('logs no row for an inbound SMS without an open notification', async () => {
    const { inbound, received } = harness();
    await received(message(null));
    await received(message('7f1d2c3b-4a5e-4f60-8a9b-0c1d2e3f4a5b'));
    expect(inbound()).toEqual([]);
  });
});
