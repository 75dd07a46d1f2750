import type { NotificationConfig } from '@appointments/contracts';
import type { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { DispatchConfig } from '../dispatch.config';
import { LandingTokens, REDACTED_LANDING_TOKEN } from '../landing/landing-tokens';
import type { LandingTokensRepository } from '../persistence/landing-tokens.repository';
import { InMemoryLandingTokensRepository } from '../persistence/landing-tokens.repository.fake';
import type { NotificationEntity } from '../persistence/notification.entity';
import type { NotificationsRepository } from '../persistence/notifications.repository';
import { InMemoryNotificationsRepository } from '../persistence/notifications.repository.fake';
import type { EmailProvider, OutboundEmail } from './email/email-provider';
import { NotificationDelivery } from './notification-delivery';
import { ProviderSendError } from './provider-failure';
import type { OutboundSms, SmsProvider } from './sms/sms-provider';

const EVENT = '5b0c9a4e-8f3c-4d8e-9d55-1f2a3b4c5d6e';

type Outcome = { providerMessageId: string } | Error;

/** A provider whose next answers a spec decides (sent, unless told otherwise); it keeps what it was handed. */
class ScriptedProvider<Message> {
  readonly sent: Message[] = [];
  private readonly answers: Outcome[] = [];
  constructor(readonly name: string) {}

  answer(...outcomes: Outcome[]) {
    this.answers.push(...outcomes);
  }

  async send(message: Message): Promise<{ providerMessageId: string }> {
    this.sent.push(message);
    const outcome = this.answers.shift() ?? { providerMessageId: `${this.name}-${this.sent.length}` };
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}

/** `NotificationDelivery` over in-memory repositories and scripted providers; `events` is what it put in the outbox. */
function harness() {
  const notifications = new InMemoryNotificationsRepository();
  const tokens = new InMemoryLandingTokensRepository(notifications);
  const email = new ScriptedProvider<OutboundEmail>('sendgrid');
  const sms = new ScriptedProvider<OutboundSms>('twilio');
  const events: NewDomainEvent[] = [];
  const outbox = {
    add: async (_manager: EntityManager, added: NewDomainEvent[]) => void events.push(...added),
  } as unknown as DomainEventOutbox;
  const dataSource = { transaction: (work: (manager: EntityManager) => Promise<unknown>) => work({} as EntityManager) } as DataSource;
  const config = Object.assign(new DispatchConfig(), { DELIVERY_MAX_ATTEMPTS: 3, DELIVERY_RETRY_BASE_MS: 1000 });
  const delivery = new NotificationDelivery(
    dataSource,
    notifications as unknown as NotificationsRepository,
    tokens as unknown as LandingTokensRepository,
    email as EmailProvider,
    sms as SmsProvider,
    outbox,
    config,
    pino({ level: 'silent' }),
  );
  return {
    notifications,
    tokens,
    email,
    sms,
    events,
    /** Delivers these notifications now, as the requested controller does once they are committed. */
    deliver: (...ids: string[]) => delivery.deliverNow(new Map(ids.map((id) => [id, undefined]))),
  };
}

/** A pending email whose landing token is held for the provider, redacted in the console's copy. */
const pendingEmail = (fields: Partial<NotificationEntity> = {}): Partial<NotificationEntity> => ({
  eventId: EVENT,
  subject: 'Your appointment',
  text: `Answer at https://example.com/m/${REDACTED_LANDING_TOKEN}`,
  html: '<p>See you</p>',
  deliveryContent: { from: { email: 'appointments@example.com', name: 'Acme' }, landingToken: 'the-real-token' },
  ...fields,
});

const pendingSms = (fields: Partial<NotificationEntity> = {}): Partial<NotificationEntity> => ({
  eventId: EVENT,
  channel: 'sms',
  recipientEmail: null,
  recipientPhone: '+14155550100',
  smsBody: `Reply 1 or 2, or https://example.com/m/${REDACTED_LANDING_TOKEN}`,
  deliveryContent: { landingToken: 'the-real-token' },
  ...fields,
});

const withReplyCodes: NotificationConfig = {
  key: 'day-before',
  type: 'reminder',
  channelMode: 'both',
  emailSubject: 'Reminder',
  emailBody: '<p>Reminder</p>',
  smsBody: 'Reminder',
  buttons: { accept: true, decline: true, reschedule: false, viewDetails: false, addToCalendar: false },
  replyCodes: { enabled: true },
};

describe('NotificationDelivery: pending notifications handed to the providers, each outcome recorded with its event', () => {
  it('sends the exact message (the landing token put back), records it sent and publishes NotificationSent', async () => {
    const { notifications, email, events, deliver } = harness();
    const { id } = notifications.add(pendingEmail());
    await deliver(id);
    expect(email.sent).toEqual([
      expect.objectContaining({
        notificationId: id,
        to: { email: 'jane@example.com', name: 'Jane Doe' },
        from: { email: 'appointments@example.com', name: 'Acme' },
        text: 'Answer at https://example.com/m/the-real-token',
      }),
    ]);
    expect(notifications.get(id)).toMatchObject({
      status: 'sent',
      provider: 'sendgrid',
      providerMessageId: 'sendgrid-1',
      attemptStartedAt: null,
      deliveryContent: null,
      attempts: 1,
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'NotificationSent',
        eventId: EVENT,
        payload: expect.objectContaining({ notificationId: id, provider: 'sendgrid', providerMessageId: 'sendgrid-1' }),
      }),
    ]);
  });

  it('opens an SMS with reply codes as a reply target (ReplyTargetOpened), with its landing token’s scope', async () => {
    const { notifications, tokens, events, deliver } = harness();
    const withCodes = notifications.add(pendingSms());
    const withoutCodes = notifications.add(pendingSms({ recipientPhone: '+14155550101' }));
    await tokens.recordMany({}, [
      {
        tokenHash: LandingTokens.hash('the-real-token'),
        notificationId: withCodes.id,
        eventId: EVENT,
        customerId: '0d6f3a2b-1c4e-4f5a-8b9c-7d6e5f4a3b2c',
        channel: 'sms',
        config: withReplyCodes,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    ]);
    await deliver(withCodes.id, withoutCodes.id);
    expect(events.map((event) => event.type)).toEqual(['NotificationSent', 'NotificationSent', 'ReplyTargetOpened']);
    expect(events[2].payload).toMatchObject({
      target: { notificationId: withCodes.id, phone: '+14155550100', configKey: 'day-before' },
      providerMessageId: 'twilio-1',
    });
  });

  it('sends a notification once, however often it is handed over', async () => {
    const { notifications, email, deliver } = harness();
    const { id } = notifications.add(pendingEmail());
    await Promise.all([deliver(id), deliver(id)]);
    await deliver(id);
    expect(email.sent).toHaveLength(1);
  });

  it('waits and tries again after a transient failure, and gives up after the last attempt (NotificationFailed)', async () => {
    const { notifications, email, events, deliver } = harness();
    const { id } = notifications.add(pendingEmail());
    email.answer(new ProviderSendError('503 from the provider', true));
    const before = Date.now();
    await deliver(id);
    const retrying = notifications.get(id)!;
    expect(retrying).toMatchObject({ status: 'pending', attemptStartedAt: null, error: '503 from the provider', attempts: 1 });
    // Equal jitter around the first backoff (DELIVERY_RETRY_BASE_MS, 1 s): between half of it and one and a half.
    expect(retrying.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(500);
    expect(retrying.nextAttemptAt.getTime() - before).toBeLessThanOrEqual(1500 + (Date.now() - before));
    expect(events).toEqual([]);

    for (let attempt = 2; attempt <= 3; attempt += 1) {
      await notifications.scheduleRetry(id, 'due now', new Date());
      email.answer(new ProviderSendError('503 from the provider', true));
      await deliver(id);
    }
    expect(notifications.get(id)).toMatchObject({
      status: 'failed',
      error: 'gave up after 3 attempts: 503 from the provider',
      attempts: 3,
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'NotificationFailed',
        payload: expect.objectContaining({ notificationId: id, reason: 'gave up after 3 attempts: 503 from the provider' }),
      }),
    ]);
  });

  it('fails at once, with the provider’s reason, when the provider refuses for good', async () => {
    const { notifications, sms, events, deliver } = harness();
    const { id } = notifications.add(pendingSms());
    sms.answer(new ProviderSendError('21211: invalid To number', false));
    await deliver(id);
    expect(notifications.get(id)).toMatchObject({ status: 'failed', error: '21211: invalid To number', deliveryContent: null });
    expect(events.map((event) => event.type)).toEqual(['NotificationFailed']);
  });

  it('leaves the attempt open when the provider may have taken the message: its report settles it, nothing is resent', async () => {
    const { notifications, email, events, deliver } = harness();
    const { id } = notifications.add(pendingEmail());
    email.answer(new ProviderSendError('timed out after the request was sent', true, undefined, undefined, true));
    await deliver(id);
    expect(notifications.get(id)).toMatchObject({
      status: 'pending',
      attemptStartedAt: expect.any(Date),
      error: "timed out after the request was sent; waiting for the provider's report before deciding",
    });
    await deliver(id);
    expect(email.sent).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('fails a notification whose message was not kept, without calling a provider', async () => {
    const { notifications, email, deliver } = harness();
    const { id } = notifications.add(pendingEmail({ deliveryContent: null }));
    await deliver(id);
    expect(email.sent).toEqual([]);
    expect(notifications.get(id)).toMatchObject({
      status: 'failed',
      error: 'the message to send was not kept (it was already delivered or failed)',
    });
  });
});
