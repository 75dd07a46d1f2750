import { NotFound } from '@appointments/domain';
import type { SmsProvider } from '../delivery/sms/sms-provider';
import type { DispatchConfig } from '../dispatch.config';
import type { DevOutboxMessagesRepository } from '../persistence/dev-outbox-messages.repository';
import { InMemoryDevOutboxMessagesRepository } from '../persistence/dev-outbox-messages.repository.fake';
import { DevPhoneController } from './dev-phone.controller';

const PHONE = '+14155550100';
const OTHER = '+14155550199';
const OURS = '+15005550006';

const sent = (id: string, to: string, body: string) => ({
  id,
  notificationId: null,
  channel: 'sms' as const,
  to,
  from: null,
  subject: null,
  text: null,
  html: null,
  body,
  attachments: [],
});

function simulator(options: { sms?: string; nodeEnv?: string } = {}) {
  let now = Date.parse('2027-01-01T10:00:00.000Z');
  const outbox = new InMemoryDevOutboxMessagesRepository(() => new Date((now += 1000)));
  const controller = new DevPhoneController(
    outbox as unknown as DevOutboxMessagesRepository,
    { name: options.sms ?? 'local-sink' } as SmsProvider,
    { NODE_ENV: options.nodeEnv ?? 'development' } as DispatchConfig,
  );
  return { outbox, controller };
}

describe('DevPhoneController: the phone simulator kept in the local sink', () => {
  it('keeps a reply and its TwiML answer beside what the sink sent, as one conversation per number', async () => {
    const { outbox, controller } = simulator();
    await outbox.storeMany([sent('m1', PHONE, 'Your visit is booked')]);
    await outbox.storeMany([sent('m2', OTHER, 'Hello other')]);
    await controller.recordReply({ phone: PHONE, to: OURS, body: 'Running late', messageSid: `SM${'1'.repeat(32)}`, reply: 'Thanks!' });

    expect(await controller.thread({ phone: PHONE })).toEqual([
      { direction: 'outbound', body: 'Your visit is booked', at: '2027-01-01T10:00:01.000Z' },
      { direction: 'inbound', body: 'Running late', at: '2027-01-01T10:00:03.000Z' },
      { direction: 'outbound', body: 'Thanks!', at: '2027-01-01T10:00:04.000Z' },
    ]);
    expect((await controller.threads()).map((thread) => [thread.phone, thread.lastMessage.body])).toEqual([
      [PHONE, 'Thanks!'],
      [OTHER, 'Hello other'],
    ]);
    // The dev outbox lists what the sink sent and the TwiML answer (an SMS to the customer), never the customer's reply.
    expect((await outbox.latest({ to: OURS })).length).toBe(0);
  });

  it('keeps a reply without an answer alone', async () => {
    const { controller } = simulator();
    await controller.recordReply({ phone: PHONE, to: OURS, body: 'STOP', messageSid: `SM${'2'.repeat(32)}`, reply: null });
    expect(await controller.thread({ phone: PHONE })).toEqual([{ direction: 'inbound', body: 'STOP', at: expect.any(String) }]);
  });

  it.each([
    ['Twilio sends the SMS', { sms: 'twilio' }],
    ['in production', { nodeEnv: 'production' }],
  ])('does not exist when %s (404)', async (_name, options) => {
    const { controller } = simulator(options);
    expect(() => controller.status()).toThrow(NotFound);
    await expect(controller.threads()).rejects.toThrow(NotFound);
    await expect(controller.thread({ phone: PHONE })).rejects.toThrow(NotFound);
    await expect(controller.recordReply({ phone: PHONE, to: OURS, body: 'x', messageSid: 'SM', reply: null })).rejects.toThrow(NotFound);
  });
});
