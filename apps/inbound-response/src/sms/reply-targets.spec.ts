import type { DeliveryStatusChangedPayload, LandingTokenView, ReplyTargetOpenedPayload } from '@appointments/contracts';
import { deliveryStatusFromTwilio } from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { closesReplyTarget, CLOSING_DELIVERY_STATUSES, CLOSING_TWILIO_STATUSES, ReplyTargets, replyTargetRow } from './reply-targets';

const NOTIFICATION_ID = '6f1c1d55-8f5c-4f53-9a53-3f5c0e1b2d7a';
const EVENT_ID = '0b8f3a52-1c1d-4e5f-8a9b-0c1d2e3f4a5b';
const CUSTOMER_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const TARGET: LandingTokenView = {
  notificationId: NOTIFICATION_ID,
  eventId: EVENT_ID,
  customerId: CUSTOMER_ID,
  channel: 'sms',
  configKey: 'rsvp',
  config: { replyCodes: { enabled: true } } as unknown as LandingTokenView['config'],
  expiresAt: '2027-01-15T19:00:00.000Z',
  createdAt: '2027-01-01T10:00:00.000Z',
  phone: '+14155550100',
};

function opened(target?: unknown): ReplyTargetOpenedPayload {
  return { target: target as LandingTokenView, providerMessageId: `SM${'0'.repeat(32)}`, sentAt: '2027-01-01T10:00:01.000Z' };
}

describe('replyTargetRow: the row a ReplyTargetOpened is kept as', () => {
  it('keeps a reply target with its fields as the table names them, open', () => {
    expect(replyTargetRow(opened(TARGET))).toEqual({
      notification_id: NOTIFICATION_ID,
      phone: '+14155550100',
      event_id: EVENT_ID,
      customer_id: CUSTOMER_ID,
      config_key: 'rsvp',
      channel: 'sms',
      config: TARGET.config,
      expires_at: '2027-01-15T19:00:00.000Z',
      created_at: '2027-01-01T10:00:00.000Z',
      closed_at: null,
    });
  });

  it.each([
    ['no target', undefined],
    ['a null target', null],
    ['an event id that is not a UUID', { ...TARGET, eventId: 'event-1' }],
    ['no phone', { ...TARGET, phone: null }],
    ['an empty phone', { ...TARGET, phone: '' }],
    ['no config', { ...TARGET, config: null }],
    ['an expiry that is not a time', { ...TARGET, expiresAt: 'soon' }],
    ['no creation time', { ...TARGET, createdAt: undefined }],
  ])('keeps nothing for %s', (_, target) => {
    expect(replyTargetRow(opened(target))).toBeNull();
  });
});

describe('closing statuses', () => {
  it('are the ones notification-dispatch leaves out of its own lookup', () => {
    expect([...CLOSING_DELIVERY_STATUSES].sort()).toEqual(['bounced', 'failed', 'skipped', 'undelivered']);
  });

  it('include every Twilio status for a message that will never arrive', () => {
    expect(CLOSING_TWILIO_STATUSES).toEqual(['failed', 'undelivered', 'canceled']);
    for (const status of CLOSING_TWILIO_STATUSES) expect(CLOSING_DELIVERY_STATUSES.has(deliveryStatusFromTwilio(status)!)).toBe(true);
  });
});

describe('closesReplyTarget: which reports close the reply target they name', () => {
  const report = (fields: Partial<DeliveryStatusChangedPayload>): DeliveryStatusChangedPayload => ({
    notificationId: NOTIFICATION_ID,
    provider: 'twilio',
    providerMessageId: `SM${'0'.repeat(32)}`,
    status: 'undelivered',
    providerStatus: 'undelivered',
    errorCode: null,
    reason: null,
    occurredAt: '2027-01-01T10:00:05.000Z',
    ...fields,
  });

  it.each([
    ['Twilio: undelivered', report({}), true],
    ['Twilio: failed', report({ status: 'failed', providerStatus: 'failed' }), true],
    ['Twilio: delivered', report({ status: 'delivered', providerStatus: 'delivered' }), false],
    ['Twilio: undelivered, without a notification id', report({ notificationId: null }), false],
    [
      'SendGrid: a bounce naming the SMS notification',
      report({ provider: 'sendgrid', status: 'bounced', providerStatus: 'bounce' }),
      false,
    ],
    ['SendGrid: a drop naming the SMS notification', report({ provider: 'sendgrid', status: 'failed', providerStatus: 'dropped' }), false],
  ])('%s: %s', (_name, change, closes) => {
    expect(closesReplyTarget(change)).toBe(closes);
  });
});

describe('ReplyTargets', () => {
  it('asks nothing of the database for no phones, or for a batch of malformed targets', async () => {
    const query = jest.fn();
    const manager = { query } as unknown as EntityManager;
    const targets = new ReplyTargets();
    expect(await targets.latestOpen(manager, ['', ''])).toEqual(new Map());
    expect(await targets.keep(manager, [opened(), opened(null)])).toBe(0);
    await targets.close(manager, ['not-a-uuid']);
    expect(query).not.toHaveBeenCalled();
  });

  it('looks up each phone once and answers the view dispatch would give', async () => {
    const query = jest.fn().mockResolvedValue([
      {
        notification_id: NOTIFICATION_ID,
        phone: TARGET.phone,
        event_id: EVENT_ID,
        customer_id: CUSTOMER_ID,
        config_key: 'rsvp',
        channel: 'sms',
        config: TARGET.config,
        expires_at: new Date(TARGET.expiresAt),
        created_at: new Date(TARGET.createdAt),
      },
    ]);
    const found = await new ReplyTargets().latestOpen({ query } as unknown as EntityManager, [
      TARGET.phone!,
      TARGET.phone!,
      '+14155550199',
    ]);
    expect(query).toHaveBeenCalledWith(expect.stringContaining('DISTINCT ON (phone)'), [[TARGET.phone, '+14155550199']]);
    expect(found).toEqual(new Map([[TARGET.phone, TARGET]]));
  });

  it('keeps a target closed when Twilio already reported its SMS undelivered', async () => {
    const sid = `SM${'0'.repeat(32)}`;
    const query = jest
      .fn()
      .mockResolvedValueOnce([{ callback_key: `${sid}:undelivered` }])
      .mockResolvedValueOnce([{ notification_id: NOTIFICATION_ID }]);
    const kept = await new ReplyTargets().keep({ query } as unknown as EntityManager, [opened(TARGET)]);
    expect(kept).toBe(1);
    const [, [json]] = query.mock.calls[1];
    expect(JSON.parse(json)).toEqual([expect.objectContaining({ notification_id: NOTIFICATION_ID, closed_at: expect.any(String) })]);
  });
});
