import { MAX_REPLY_TARGET_PHONES, type NotificationConfig } from '@appointments/contracts';
import { Expired, InvalidInput, NotFound } from '@appointments/domain';
import type { NotificationEntity } from '../persistence/notification.entity';
import type { LandingTokensRepository } from '../persistence/landing-tokens.repository';
import { InMemoryLandingTokensRepository } from '../persistence/landing-tokens.repository.fake';
import { InMemoryNotificationsRepository } from '../persistence/notifications.repository.fake';
import { LandingLookupController } from './landing-lookup.controller';
import { LandingTokens } from './landing-tokens';

const EVENT = '5b0c9a4e-8f3c-4d8e-9d55-1f2a3b4c5d6e';
const CUSTOMER = '0d6f3a2b-1c4e-4f5a-8b9c-7d6e5f4a3b2c';
const DAY = 86_400_000;

const config = (replyCodes: boolean): NotificationConfig => ({
  key: 'day-before',
  type: 'reminder',
  channelMode: 'both',
  emailSubject: 'Reminder',
  emailBody: '<p>Reminder</p>',
  smsBody: 'Reminder',
  buttons: { accept: true, decline: true, reschedule: false, viewDetails: false, addToCalendar: false },
  ...(replyCodes ? { replyCodes: { enabled: true } } : {}),
});

/** The controller over in-memory stores; `issue` sends a notification with a token, as delivery leaves it. */
function harness() {
  const notifications = new InMemoryNotificationsRepository();
  const tokens = new InMemoryLandingTokensRepository(notifications);
  const controller = new LandingLookupController(tokens as unknown as LandingTokensRepository);
  let issued = 0;
  async function issue(
    fields: Partial<NotificationEntity> = {},
    options: { replyCodes?: boolean; expiresInMs?: number } = {},
  ): Promise<{ token: string; notification: NotificationEntity }> {
    const notification = notifications.add({ eventId: EVENT, channel: 'sms', recipientPhone: '+14155550100', status: 'sent', ...fields });
    const token = `token-${(issued += 1)}`;
    await tokens.recordMany({}, [
      {
        tokenHash: LandingTokens.hash(token),
        notificationId: notification.id,
        eventId: EVENT,
        customerId: CUSTOMER,
        channel: notification.channel,
        config: config(options.replyCodes ?? true),
        expiresAt: new Date(Date.now() + (options.expiresInMs ?? DAY)),
      },
    ]);
    return { token, notification };
  }
  return { controller, issue };
}

describe('LandingLookupController: what a landing token or a phone number answers', () => {
  it('resolves a token to its notification’s scope, the phone only for an SMS', async () => {
    const { controller, issue } = harness();
    const sms = await issue();
    const email = await issue({ channel: 'email', recipientPhone: '+14155550100' });
    await expect(controller.resolve({ token: sms.token })).resolves.toMatchObject({
      notificationId: sms.notification.id,
      eventId: EVENT,
      customerId: CUSTOMER,
      channel: 'sms',
      configKey: 'day-before',
      phone: '+14155550100',
    });
    await expect(controller.resolve({ token: email.token })).resolves.toMatchObject({ channel: 'email', phone: null });
  });

  it('answers not_found for a token never issued, one of a staged reminder, or no token at all', async () => {
    const { controller, issue } = harness();
    const staged = await issue({ status: 'staged' });
    for (const query of [{ token: 'never-issued' }, { token: staged.token }, { token: '' }, { token: 42 }, {}])
      await expect(controller.resolve(query)).rejects.toBeInstanceOf(NotFound);
  });

  it('answers expired past the expiry, with when and the event', async () => {
    const { controller, issue } = harness();
    const { token } = await issue({}, { expiresInMs: -1000 });
    await expect(controller.resolve({ token })).rejects.toBeInstanceOf(Expired);
  });

  it('answers each phone with its latest open SMS, in the order asked, null where there is none', async () => {
    const { controller, issue } = harness();
    await issue({ recipientPhone: '+14155550101', createdAt: new Date(Date.now() - 60_000) });
    const latest = await issue({ recipientPhone: '+14155550101' });
    const other = await issue({ recipientPhone: '+14155550102' });
    const answers = await controller.latestOpenReplyTargets({ phones: ['+14155550102', '+14155550199', '', '+14155550101'] });
    expect(answers.map((answer) => answer?.notificationId ?? null)).toEqual([other.notification.id, null, null, latest.notification.id]);
  });

  it.each([
    ['reply codes off', {}, { replyCodes: false }],
    ['the SMS failed', { status: 'failed' as const }, {}],
    ['a staged reminder', { status: 'staged' as const }, {}],
    ['an email', { channel: 'email' as const }, {}],
    ['the token expired', {}, { expiresInMs: -1000 }],
  ])('finds no reply target when %s', async (_case, fields, options) => {
    const { controller, issue } = harness();
    await issue(fields, options);
    await expect(controller.latestOpenReplyTarget({ phone: '+14155550100' })).resolves.toBeNull();
  });

  it('refuses a list of phones longer than the limit, or anything but a list of strings', async () => {
    const { controller } = harness();
    const phones = Array.from({ length: MAX_REPLY_TARGET_PHONES + 1 }, (_, index) => `+1415555${String(index).padStart(4, '0')}`);
    await expect(controller.latestOpenReplyTargets({ phones })).rejects.toBeInstanceOf(InvalidInput);
    await expect(controller.latestOpenReplyTargets({ phones: [1] })).rejects.toBeInstanceOf(InvalidInput);
    await expect(controller.latestOpenReplyTargets('+14155550100')).rejects.toBeInstanceOf(InvalidInput);
  });
});
