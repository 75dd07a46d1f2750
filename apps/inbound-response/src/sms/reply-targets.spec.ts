import type { DeliveryStatusChangedPayload, LandingTokenView, ReplyTargetOpenedPayload } from '@appointments/contracts';
import { deliveryStatusFromTwilio } from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { ProviderCallbacksRepository } from '../persistence/provider-callbacks.repository';
import { InMemoryProviderCallbacksRepository } from '../persistence/provider-callbacks.repository.fake';
import { ReplyTargetsRepository } from '../persistence/reply-targets.repository';
import { InMemoryReplyTargetsRepository } from '../persistence/reply-targets.repository.fake';
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

describe('ReplyTargets: the copy of the open reply targets', () => {
  const SID = `SM${'0'.repeat(32)}`;
  const OTHER_NOTIFICATION_ID = '7a2d2e66-9f6d-4a64-8b64-4a6d1f2c3e8b';

  /** The copy over in-memory repositories, on 2 January 2027 (TARGET expires on the 15th). */
  function harness() {
    const now = () => new Date('2027-01-02T12:00:00.000Z');
    const targets = new InMemoryReplyTargetsRepository(now);
    const callbacks = new InMemoryProviderCallbacksRepository(now);
    const replyTargets = new ReplyTargets(
      targets as unknown as ReplyTargetsRepository,
      callbacks as unknown as ProviderCallbacksRepository,
    );
    return { replyTargets, targets, callbacks, manager: {} as EntityManager };
  }

  it('keeps nothing of a batch of malformed targets', async () => {
    const { replyTargets, targets, manager } = harness();
    expect(await replyTargets.keep(manager, [opened(), opened(null)])).toBe(0);
    expect(targets.size).toBe(0);
  });

  it('keeps a target as the view dispatch would give; a phone without a target is left out', async () => {
    const { replyTargets, targets, manager } = harness();
    expect(await replyTargets.keep(manager, [opened(TARGET)])).toBe(1);
    expect(await targets.latestOpen([TARGET.phone!, '+14155550199'])).toEqual(new Map([[TARGET.phone, TARGET]]));
  });

  it('keeps a redelivered target once', async () => {
    const { replyTargets, manager } = harness();
    expect(await replyTargets.keep(manager, [opened(TARGET)])).toBe(1);
    expect(await replyTargets.keep(manager, [opened(TARGET)])).toBe(0);
  });

  it('keeps a target closed when Twilio already reported its SMS undelivered: it answers no reply', async () => {
    const { replyTargets, targets, callbacks, manager } = harness();
    await callbacks.recordNew(manager, [{ provider: 'twilio', callbackKey: `${SID}:undelivered` }]);
    expect(await replyTargets.keep(manager, [opened(TARGET)])).toBe(1);
    expect(await targets.latestOpen([TARGET.phone!])).toEqual(new Map());
  });

  it('keeps a target open when its SMS was only reported delivered', async () => {
    const { replyTargets, targets, callbacks, manager } = harness();
    await callbacks.recordNew(manager, [{ provider: 'twilio', callbackKey: `${SID}:delivered` }]);
    await replyTargets.keep(manager, [opened(TARGET)]);
    expect(await targets.latestOpen([TARGET.phone!])).toEqual(new Map([[TARGET.phone, TARGET]]));
  });

  it('closes the targets of failed notifications, leaving the others open; an id that is not a UUID closes nothing', async () => {
    const { replyTargets, targets, manager } = harness();
    const older = { ...TARGET, notificationId: OTHER_NOTIFICATION_ID, createdAt: '2027-01-01T09:00:00.000Z' };
    await replyTargets.keep(manager, [opened(TARGET), opened(older)]);
    await replyTargets.close(manager, ['not-a-uuid']);
    expect(await targets.latestOpen([TARGET.phone!])).toEqual(new Map([[TARGET.phone, TARGET]]));
    await replyTargets.close(manager, [NOTIFICATION_ID]);
    expect(await targets.latestOpen([TARGET.phone!])).toEqual(new Map([[TARGET.phone, older]]));
  });
});
