import type { ReminderReleaseCheck, ReminderReleaseVerdict, ReminderSendRef } from '@appointments/contracts';
import { type DomainEventOutbox, type NewDomainEvent, RemoteServiceError, type RpcClient } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { DispatchConfig } from '../dispatch.config';
import type { NotificationEntity } from '../persistence/notification.entity';
import type { NotificationsRepository } from '../persistence/notifications.repository';
import { InMemoryNotificationsRepository } from '../persistence/notifications.repository.fake';
import type { NotificationDelivery } from './notification-delivery';
import { StagedReminderRelease } from './staged-reminder-release';

const EVENT = '5b0c9a4e-8f3c-4d8e-9d55-1f2a3b4c5d6e';
const MINUTE = 60_000;

/**
 * `StagedReminderRelease` over an in-memory notifications store, with a stand-in for scheduling's
 * release check (`decide` answers per request) and for delivery (`delivered` gets the released rows).
 */
function harness(options: { batch?: number } = {}) {
  const notifications = new InMemoryNotificationsRepository();
  const delivered: NotificationEntity[] = [];
  const events: NewDomainEvent[] = [];
  const asked: string[][] = [];
  const check = {
    decide: (requestId: string): ReminderReleaseVerdict => ({ requestId, verdict: 'send' }),
    refuse: null as RemoteServiceError | Error | null,
  };
  const rpc = {
    request: async (_service: string, _pattern: string, body: ReminderReleaseCheck) => {
      asked.push(body.reminders.map((reminder) => reminder.requestId));
      if (check.refuse) throw check.refuse;
      return body.reminders.map((reminder) => check.decide(reminder.requestId));
    },
  } as unknown as RpcClient;
  const delivery = { deliverClaimed: async (rows: NotificationEntity[]) => void delivered.push(...rows) } as NotificationDelivery;
  const outbox = {
    add: async (_manager: EntityManager, added: NewDomainEvent[]) => void events.push(...added),
  } as unknown as DomainEventOutbox;
  const dataSource = { transaction: (work: (manager: EntityManager) => Promise<unknown>) => notifications.transaction(work) } as DataSource;
  const config = Object.assign(new DispatchConfig(), { REMINDER_RELEASE_BATCH: options.batch ?? 100 });
  const release = new StagedReminderRelease(
    dataSource,
    notifications as unknown as NotificationsRepository,
    delivery,
    rpc,
    outbox,
    config,
    pino({ level: 'silent' }),
  );
  return { notifications, delivered, events, asked, check, releaseDue: () => release.releaseDue() };
}

/** A staged reminder, due `dueInMs` from now, with a row per channel and its skipped channels as the request had them. */
function stage(
  notifications: InMemoryNotificationsRepository,
  dueInMs: number,
  channels: ('email' | 'sms')[] = ['email'],
  skipped: ReminderSendRef['skipped'] = [],
) {
  const requestId = randomUUID();
  const dedupeKey = `reminder:${randomUUID()}:1`;
  const reminder: ReminderSendRef = {
    reminderId: randomUUID(),
    configKey: 'day-before',
    offsetMinutes: 1440,
    startVersion: 1,
    dueAt: new Date(Date.now() + dueInMs).toISOString(),
    late: false,
    eventVersion: 1,
    stagedAt: new Date().toISOString(),
    channels: channels.map((channel) => ({ channel, address: channel === 'email' ? 'jane@example.com' : '+14155550100' })),
    skipped,
  };
  const rows = channels.map((channel) =>
    notifications.add({
      requestId,
      eventId: EVENT,
      type: 'reminder',
      configKey: 'day-before',
      channel,
      recipientPhone: '+14155550100',
      status: 'staged',
      dedupeKey,
      reminder,
      eventStart: new Date(Date.now() + 24 * 60 * MINUTE),
      nextAttemptAt: new Date(Date.now() + dueInMs),
      deliveryContent: { landingToken: null },
    }),
  );
  return { requestId, ids: rows.map((row) => row.id) };
}

describe('StagedReminderRelease: staged reminders go at their due time, only on scheduling’s send', () => {
  it('releases the due reminders to delivery, claimed, and leaves those not due staged', async () => {
    const { notifications, delivered, asked, releaseDue } = harness();
    const due = stage(notifications, -MINUTE, ['email', 'sms']);
    const later = stage(notifications, 60 * MINUTE);
    await releaseDue();
    expect(asked).toEqual([[due.requestId]]);
    expect(delivered.map((row) => row.id).sort()).toEqual([...due.ids].sort());
    for (const id of due.ids)
      expect(notifications.get(id)).toMatchObject({ status: 'pending', attempts: 1, attemptStartedAt: expect.any(Date) });
    expect(notifications.get(later.ids[0])?.status).toBe('staged');
  });

  it('logs a released request’s skipped channels once, as skipped with why', async () => {
    const { notifications, releaseDue } = harness();
    stage(notifications, -MINUTE, ['email'], [{ channel: 'sms', reason: 'no_phone_number', message: 'no phone number on file' }]);
    await releaseDue();
    expect(notifications.all().filter((row) => row.status === 'skipped')).toEqual([
      expect.objectContaining({ channel: 'sms', error: 'no phone number on file', eventId: EVENT, type: 'reminder', dedupeKey: null }),
    ]);
  });

  it.each(['stale', 'missed', 'refused', 'restaged'] as const)(
    'withdraws a %s reminder: its rows go, nothing is delivered',
    async (verdict) => {
      const { notifications, delivered, check, releaseDue } = harness();
      const withdrawn = stage(notifications, -MINUTE, ['email', 'sms']);
      const sent = stage(notifications, -MINUTE);
      check.decide = (requestId) =>
        requestId === withdrawn.requestId ? { requestId, verdict, reason: 'because' } : { requestId, verdict: 'send' };
      await releaseDue();
      for (const id of withdrawn.ids) expect(notifications.get(id)).toBeUndefined();
      expect(delivered.map((row) => row.id)).toEqual(sent.ids);
    },
  );

  it('takes the rest of a request the batch limit cut, so that scheduling is asked about it once', async () => {
    const { notifications, delivered, asked, releaseDue } = harness({ batch: 1 });
    const request = stage(notifications, -MINUTE, ['email', 'sms']);
    await releaseDue();
    expect(asked).toEqual([[request.requestId]]);
    expect(delivered.map((row) => row.id).sort()).toEqual([...request.ids].sort());
  });

  it('fails, visibly, a reminder the check cannot read, and still releases the others', async () => {
    const { notifications, delivered, events, check, releaseDue } = harness();
    const unreadable = stage(notifications, -MINUTE);
    const fine = stage(notifications, -MINUTE);
    const decide = check.decide;
    check.decide = (requestId) => {
      if (requestId === unreadable.requestId)
        throw new RemoteServiceError('scheduling', { code: 'invalid_input', message: 'reminder.channels: bad' });
      return decide(requestId);
    };
    await releaseDue();
    expect(notifications.get(unreadable.ids[0])).toMatchObject({
      status: 'failed',
      error: 'the release check could not read this staged reminder: reminder.channels: bad',
    });
    expect(events).toEqual([
      expect.objectContaining({ type: 'NotificationFailed', payload: expect.objectContaining({ notificationId: unreadable.ids[0] }) }),
    ]);
    expect(delivered.map((row) => row.id)).toEqual(fine.ids);
  });

  it('sends nothing while scheduling does not answer: the pass rolls back, the rows stay staged, and go once it answers', async () => {
    const { notifications, delivered, check, releaseDue } = harness();
    const due = stage(notifications, -MINUTE);
    check.refuse = new Error('scheduling did not answer in time');
    await releaseDue();
    expect(delivered).toEqual([]);
    expect(notifications.get(due.ids[0])).toMatchObject({ status: 'staged', attempts: 0, attemptStartedAt: null });
    check.refuse = null;
    await releaseDue();
    expect(delivered.map((row) => row.id)).toEqual(due.ids);
  });
});
