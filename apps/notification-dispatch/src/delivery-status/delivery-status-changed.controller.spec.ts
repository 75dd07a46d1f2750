import type { DeliveryStatusChangedPayload } from '@appointments/contracts';
import type { DomainEventContext, NewDomainEvent } from '@appointments/messaging';
import pino from 'pino';
import type { EntityManager } from 'typeorm';
import type { NotificationEntity } from '../persistence/notification.entity';
import type { NotificationsRepository } from '../persistence/notifications.repository';
import { InMemoryNotificationsRepository } from '../persistence/notifications.repository.fake';
import { DeliveryStatusChangedController } from './delivery-status-changed.controller';

const EVENT = '5b0c9a4e-8f3c-4d8e-9d55-1f2a3b4c5d6e';
const SENT_AT = new Date('2027-01-01T10:00:00.000Z');

/** The controller over an in-memory notifications store; `published` collects what it adds to the outbox. */
function harness() {
  const notifications = new InMemoryNotificationsRepository();
  const published: NewDomainEvent[] = [];
  const context = {
    manager: {} as EntityManager,
    publish: async (events: NewDomainEvent[]) => void published.push(...events),
  } as unknown as DomainEventContext;
  const controller = new DeliveryStatusChangedController(notifications as unknown as NotificationsRepository, pino({ level: 'silent' }));
  return {
    notifications,
    published,
    report: (payload: DeliveryStatusChangedPayload) => controller.onDeliveryStatusChanged(payload, context),
  };
}

/** An SMS sent through Twilio. */
const sentSms = (fields: Partial<NotificationEntity> = {}): Partial<NotificationEntity> => ({
  eventId: EVENT,
  channel: 'sms',
  recipientEmail: null,
  recipientPhone: '+14155550100',
  status: 'sent',
  provider: 'twilio',
  providerMessageId: 'SM1',
  sentAt: SENT_AT,
  ...fields,
});

function twilioReport(fields: Partial<DeliveryStatusChangedPayload>): DeliveryStatusChangedPayload {
  return {
    notificationId: null,
    provider: 'twilio',
    providerMessageId: 'SM1',
    status: 'delivered',
    providerStatus: 'delivered',
    errorCode: null,
    reason: null,
    occurredAt: '2027-01-01T10:00:05.000Z',
    ...fields,
  };
}

describe('DeliveryStatusChangedController: a provider report moves a notification only forward', () => {
  it('moves a sent SMS to delivered, found by our id, and keeps the provider’s word for it', async () => {
    const { notifications, published, report } = harness();
    const { id } = notifications.add(sentSms());
    await report(twilioReport({ notificationId: id }));
    expect(notifications.get(id)).toMatchObject({
      status: 'delivered',
      providerStatus: 'delivered',
      statusChangedAt: new Date('2027-01-01T10:00:05.000Z'),
      error: null,
    });
    expect(published).toEqual([]);
  });

  it('finds the notification by the provider and its message id when the report does not carry ours', async () => {
    const { notifications, report } = harness();
    const { id } = notifications.add(sentSms({ providerMessageId: 'SM42' }));
    await report(twilioReport({ providerMessageId: 'SM42' }));
    expect(notifications.get(id)?.status).toBe('delivered');
  });

  it.each([
    ['a late sent after delivered', { status: 'delivered' as const }, { status: 'sent' as const, providerStatus: 'sent' }],
    ['anything after failed', { status: 'failed' as const }, { status: 'delivered' as const }],
  ])('ignores %s', async (_case, row, reported) => {
    const { notifications, published, report } = harness();
    const { id } = notifications.add(sentSms(row));
    await report(twilioReport({ notificationId: id, ...reported }));
    expect(notifications.get(id)).toMatchObject({ status: row.status, providerStatus: null });
    expect(published).toEqual([]);
  });

  it.each([
    ['an id we never issued', () => ({ notificationId: '7f1d2c3b-4a5e-4f60-8a9b-0c1d2e3f4a5b' })],
    ['no id and no provider message id', () => ({ notificationId: null, providerMessageId: null })],
  ])('ignores a report naming %s', async (_case, naming) => {
    const { notifications, report } = harness();
    const { id } = notifications.add(sentSms());
    await report(twilioReport(naming()));
    expect(notifications.get(id)?.status).toBe('sent');
  });

  it('ignores a report about a staged reminder (it went to no provider yet)', async () => {
    const { notifications, report } = harness();
    const { id } = notifications.add(sentSms({ status: 'staged', provider: null, providerMessageId: null, sentAt: null }));
    await report(twilioReport({ notificationId: id, status: 'failed', providerStatus: 'failed' }));
    expect(notifications.get(id)?.status).toBe('staged');
  });

  it('ignores an email provider’s bounce naming an SMS', async () => {
    const { notifications, published, report } = harness();
    const { id } = notifications.add(sentSms());
    await report(twilioReport({ notificationId: id, provider: 'sendgrid', status: 'bounced', providerStatus: 'bounce' }));
    expect(notifications.get(id)?.status).toBe('sent');
    expect(published).toEqual([]);
  });

  it('fails the notification with the provider’s reason and tells the event (NotificationFailed)', async () => {
    const { notifications, published, report } = harness();
    const { id } = notifications.add(sentSms());
    await report(twilioReport({ notificationId: id, status: 'undelivered', providerStatus: 'undelivered', errorCode: '30003' }));
    expect(notifications.get(id)).toMatchObject({ status: 'undelivered', error: 'code 30003' });
    expect(published).toEqual([
      {
        type: 'NotificationFailed',
        eventId: EVENT,
        payload: expect.objectContaining({ notificationId: id, status: 'undelivered', reason: 'twilio reported undelivered: code 30003' }),
      },
    ]);
  });

  it('settles an interrupted call: the attempt closes, the held message goes, and it was sent when reported', async () => {
    const { notifications, report } = harness();
    const { id } = notifications.add(
      sentSms({
        status: 'pending',
        providerMessageId: null,
        provider: null,
        sentAt: null,
        attemptStartedAt: SENT_AT,
        deliveryContent: { landingToken: 'token' },
      }),
    );
    await report(twilioReport({ notificationId: id, providerMessageId: 'SM9' }));
    expect(notifications.get(id)).toMatchObject({
      status: 'delivered',
      providerMessageId: 'SM9',
      attemptStartedAt: null,
      deliveryContent: null,
      sentAt: new Date('2027-01-01T10:00:05.000Z'),
    });
  });

  it('keeps the provider message id recorded at the send', async () => {
    const { notifications, report } = harness();
    const { id } = notifications.add(sentSms({ providerMessageId: 'SM1' }));
    await report(twilioReport({ notificationId: id, providerMessageId: null }));
    expect(notifications.get(id)).toMatchObject({ status: 'delivered', providerMessageId: 'SM1', sentAt: SENT_AT });
  });
});
