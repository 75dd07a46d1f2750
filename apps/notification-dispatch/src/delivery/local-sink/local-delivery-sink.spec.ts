import type { DevOutboxMessagesRepository } from '../../persistence/dev-outbox-messages.repository';
import { InMemoryDevOutboxMessagesRepository } from '../../persistence/dev-outbox-messages.repository.fake';
import { LocalSinkEmailProvider, LocalSinkSmsProvider } from './local-delivery-sink';

function sinks() {
  const outbox = new InMemoryDevOutboxMessagesRepository();
  const repository = outbox as unknown as DevOutboxMessagesRepository;
  return { outbox, email: new LocalSinkEmailProvider(repository), sms: new LocalSinkSmsProvider(repository) };
}

const email = (notificationId: string) => ({
  notificationId,
  to: { email: 'jane@example.com', name: 'Jane Doe' },
  from: { email: 'appointments@example.com', name: 'Acme' },
  subject: 'Your appointment',
  text: 'See you',
  html: '<p>See you</p>',
  attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR') }],
});

describe('the local delivery sink: every message kept in the dev outbox as a customer would get it', () => {
  it('keeps an email with its sender, content and attachments, and answers the stored id as the provider’s', async () => {
    const { outbox, email: provider } = sinks();
    const { providerMessageId } = await provider.send(email('n1'));
    expect(outbox.all()).toEqual([
      expect.objectContaining({
        id: providerMessageId,
        notificationId: 'n1',
        channel: 'email',
        to: 'jane@example.com',
        from: 'Acme <appointments@example.com>',
        subject: 'Your appointment',
        body: null,
        attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR').toString('base64') }],
      }),
    ]);
  });

  it('stores the messages handed over together, emails and SMS alike, with one statement', async () => {
    const { outbox, email: emails, sms } = sinks();
    const sent = await Promise.all([
      emails.send(email('n1')),
      sms.send({ notificationId: 'n2', to: '+14155550100', body: 'Reminder' }),
      emails.send(email('n3')),
    ]);
    expect(outbox.stores).toBe(1);
    expect(outbox.all().map((message) => [message.notificationId, message.channel])).toEqual([
      ['n1', 'email'],
      ['n2', 'sms'],
      ['n3', 'email'],
    ]);
    expect(new Set(sent.map((result) => result.providerMessageId)).size).toBe(3);
    await sms.send({ notificationId: 'n4', to: '+14155550100', body: 'Later' });
    expect(outbox.stores).toBe(2);
  });

  it('fails every send of a batch that could not be stored', async () => {
    const { outbox, email: provider } = sinks();
    outbox.failNextStore(new Error('connection refused'));
    const results = await Promise.allSettled([provider.send(email('n1')), provider.send(email('n2'))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(outbox.all()).toEqual([]);
  });

  it('knows for certain whether a notification went out (its lookup)', async () => {
    const { email: provider, sms } = sinks();
    const { providerMessageId } = await provider.send(email('n1'));
    await expect(provider.lookup('n1')).resolves.toEqual({ providerMessageId });
    await expect(sms.lookup('n1')).resolves.toEqual({ providerMessageId });
    await expect(provider.lookup('n2')).resolves.toBeNull();
  });
});
