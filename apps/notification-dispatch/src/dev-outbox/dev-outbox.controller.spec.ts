import { NotFound } from '@appointments/domain';
import type { EmailProvider } from '../delivery/email/email-provider';
import type { SmsProvider } from '../delivery/sms/sms-provider';
import type { DevOutboxMessagesRepository } from '../persistence/dev-outbox-messages.repository';
import { InMemoryDevOutboxMessagesRepository } from '../persistence/dev-outbox-messages.repository.fake';
import { DevOutboxController } from './dev-outbox.controller';

const provider = (name: string) => ({ name }) as EmailProvider & SmsProvider;

const message = (id: string, channel: 'email' | 'sms', to: string) => ({
  id,
  notificationId: null,
  channel,
  to,
  from: null,
  subject: null,
  text: null,
  html: null,
  body: 'hello',
  attachments: [],
});

describe('DevOutboxController: what the local delivery sinks took', () => {
  it('lists the messages newest first, filtered by address and channel', async () => {
    let now = Date.parse('2027-01-01T10:00:00.000Z');
    const outbox = new InMemoryDevOutboxMessagesRepository(() => new Date((now += 1000)));
    await outbox.storeMany([message('m1', 'email', 'jane@example.com')]);
    await outbox.storeMany([message('m2', 'sms', '+14155550100')]);
    await outbox.storeMany([message('m3', 'email', 'jane@example.com')]);
    const controller = new DevOutboxController(
      outbox as unknown as DevOutboxMessagesRepository,
      provider('local-sink'),
      provider('local-sink'),
    );
    expect((await controller.list({})).map((view) => view.id)).toEqual(['m3', 'm2', 'm1']);
    expect((await controller.list({ to: 'jane@example.com' })).map((view) => view.id)).toEqual(['m3', 'm1']);
    expect((await controller.list({ channel: 'sms' })).map((view) => view.id)).toEqual(['m2']);
    expect((await controller.list({}))[0]).toMatchObject({ channel: 'email', to: 'jane@example.com', sentAt: '2027-01-01T10:00:03.000Z' });
  });

  it('is open while one channel still goes to the sink, and refused once both have a real provider', async () => {
    const outbox = new InMemoryDevOutboxMessagesRepository() as unknown as DevOutboxMessagesRepository;
    await expect(new DevOutboxController(outbox, provider('sendgrid'), provider('local-sink')).list({})).resolves.toEqual([]);
    await expect(new DevOutboxController(outbox, provider('sendgrid'), provider('twilio')).list({})).rejects.toBeInstanceOf(NotFound);
  });
});
