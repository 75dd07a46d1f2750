import { DOMAIN_EVENT, NotificationRequestedPayload } from '@appointments/contracts';
import { MessagingNames, stampDomainEvent } from '@appointments/messaging';
import { eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BrokerClient } from '../messaging/broker-client';
import { cleanUpDispatch, startDispatch } from './dispatch-service';
import { reminderConfig, reminderEvent, REMINDER_SENDER } from './reminder-fixtures';

jest.setTimeout(60_000);

/**
 * notification-dispatch started in this process as its main.ts starts it, with the local
 * delivery sink, fed `NotificationRequested` straight onto the exchange (as scheduling would):
 * a request whose dedupe key was already sent on a channel sends nothing there.
 */
describe('notification-dispatch: one send per dedupe key', () => {
  let environment: IsolatedEnvironment;
  let app: NestFastifyApplication;
  let broker: BrokerClient;
  let exchange: string;
  let db: DataSource;

  beforeAll(async () => {
    environment = isolatedEnvironment('dispatch_dedupe');
    app = await startDispatch(environment);
    db = app.get(DataSource);
    broker = await BrokerClient.connect(environment.env.AMQP_URL);
    exchange = new MessagingNames(environment.amqpNamespace).exchange;
  });

  afterAll(async () => {
    await broker?.close();
    await app?.close().catch(() => undefined);
    if (environment) {
      await cleanUpDispatch(environment);
    }
  });

  function request(
    eventId: string,
    dedupeKey: string | undefined,
    channels: ('email' | 'sms')[] = ['email'],
  ): NotificationRequestedPayload {
    return {
      requestId: randomUUID(),
      type: 'reminder',
      configKey: 'day-before',
      requestedBy: { name: 'Reminder scheduler', email: null },
      notifications: channels.map((channel) => ({
        notificationId: randomUUID(),
        channel,
        address: channel === 'email' ? 'jane@example.com' : '+14155550100',
      })),
      skipped: [],
      recipient: { customerId: randomUUID(), name: 'Jane Doe', email: 'jane@example.com', phone: '+14155550100' },
      event: reminderEvent(eventId, '2026-03-09T13:00:00.000Z'),
      config: reminderConfig(),
      sender: REMINDER_SENDER,
      ...(dedupeKey ? { dedupeKey } : {}),
    };
  }

  async function publish(...payloads: NotificationRequestedPayload[]): Promise<string[]> {
    const ids: string[] = [];
    for (const payload of payloads) {
      const envelope = stampDomainEvent({ type: DOMAIN_EVENT.NotificationRequested, eventId: payload.event.id, payload }, 'scheduling');
      ids.push(envelope.id);
      await broker.publish(exchange, DOMAIN_EVENT.NotificationRequested, JSON.stringify(envelope), {
        messageId: envelope.id,
        type: envelope.type,
        contentType: 'application/json',
      });
    }
    return ids;
  }

  /** Resolves once dispatch has handled (committed) every given message. */
  async function handled(messageIds: string[]): Promise<void> {
    await eventually(
      async () =>
        (
          await db.query('SELECT count(*)::int AS n FROM notification_dispatch.processed_messages WHERE message_id = ANY($1)', [messageIds])
        )[0].n as number,
      (count) => count === messageIds.length,
      { what: 'dispatch to handle the requests' },
    );
  }

  const consoleRows = (eventId: string): Promise<{ request_id: string; channel: string; status: string; dedupe_key: string | null }[]> =>
    db.query(
      'SELECT request_id, channel, status, dedupe_key FROM notification_dispatch.notifications WHERE event_id = $1 ORDER BY created_at',
      [eventId],
    );

  /** Messages the local sink took for the event (what the customer got). */
  const sinkMessages = async (eventId: string): Promise<number> =>
    (
      await db.query(
        `SELECT count(*)::int AS n FROM notification_dispatch.dev_outbox o
           JOIN notification_dispatch.notifications n ON n.id = o.notification_id WHERE n.event_id = $1`,
        [eventId],
      )
    )[0].n;

  it('the same reminder asked for twice, one after the other, with different request ids, is sent once', async () => {
    const eventId = randomUUID();
    const key = `reminder:${randomUUID()}:1`;
    const first = request(eventId, key);
    await handled(await publish(first));
    await eventually(
      () => sinkMessages(eventId),
      (count) => count === 1,
      { what: 'the first reminder to reach the local sink' },
    );

    const second = request(eventId, key);
    await handled(await publish(second));
    const rows = await consoleRows(eventId);
    expect(rows).toEqual([
      { request_id: first.requestId, channel: 'email', status: expect.stringMatching(/pending|sent/), dedupe_key: key },
    ]);
    expect(await sinkMessages(eventId)).toBe(1);
    const tokens = await db.query('SELECT notification_id FROM notification_dispatch.landing_tokens WHERE event_id = $1', [eventId]);
    expect(tokens).toEqual([{ notification_id: first.notifications[0].notificationId }]);
  });

  it('two copies arriving together (one batch or two racing ones) send once per channel', async () => {
    const eventId = randomUUID();
    const key = `reminder:${randomUUID()}:1`;
    const copies = [
      request(eventId, key, ['email', 'sms']),
      request(eventId, key, ['email', 'sms']),
      request(eventId, key, ['email', 'sms']),
    ];
    await handled(await publish(...copies));
    const rows = await consoleRows(eventId);
    expect(rows.map((row) => row.channel).sort()).toEqual(['email', 'sms']);
    await eventually(
      () => sinkMessages(eventId),
      (count) => count === 2,
      { what: 'the reminder to reach the local sink by email and SMS' },
    );
  });

  it('another start version of the same reminder is a new key, and requests without a key are not deduplicated', async () => {
    const eventId = randomUUID();
    const reminderId = randomUUID();
    const ids = await publish(
      request(eventId, `reminder:${reminderId}:1`),
      request(eventId, `reminder:${reminderId}:2`),
      request(eventId, undefined),
      request(eventId, undefined),
    );
    await handled(ids);
    expect(await consoleRows(eventId)).toHaveLength(4);
    await eventually(
      () => sinkMessages(eventId),
      (count) => count === 4,
      { what: 'four messages to reach the local sink' },
    );
  });
});
