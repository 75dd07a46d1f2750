import {
  NotificationFailedPayload,
  DISPATCH_REQUEST,
  DOMAIN_EVENT,
  LandingTokenView,
  NotificationRequestedPayload,
  NotificationSentPayload,
  NotificationView,
  Page,
  ReminderReleaseVerdict,
  ReminderSendRef,
  SCHEDULING_REQUEST,
  SERVICE,
} from '@appointments/contracts';
import { DomainEventEnvelope, MessagingNames, RpcClient, stampDomainEvent } from '@appointments/messaging';
import { eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { StagedReminderRelease } from '../../../apps/notification-dispatch/src/delivery/staged-reminder-release';
import { LandingTokens } from '../../../apps/notification-dispatch/src/landing/landing-tokens';
import { BrokerClient } from '../messaging/broker-client';
import { cleanUpDispatch, startDispatch } from './dispatch-service';
import { reminderConfig, reminderEvent, REMINDER_SENDER } from './reminder-fixtures';
import { SchedulingStandIn, sendIt } from './scheduling-stand-in';

jest.setTimeout(90_000);

const HOUR = 3_600_000;

/** Small batches: the two-process case releases in many passes, full batches followed at once by the next. */
const RELEASE_BATCH = 50;

type Channel = 'email' | 'sms';

/**
 * notification-dispatch started in this process as its main.ts starts it, with the local
 * delivery sink, fed `NotificationRequested` straight onto the exchange (as scheduling would),
 * and a stand-in for scheduling's release check whose verdicts each case decides: a reminder
 * staged ahead of its `sendAt` stays out of sight until then and goes only on a `send` verdict.
 */
describe('notification-dispatch: staged reminders', () => {
  let environment: IsolatedEnvironment;
  let app: NestFastifyApplication;
  let broker: BrokerClient;
  let exchange: string;
  let sentQueue: string;
  let db: DataSource;
  let rpc: RpcClient;
  let scheduling: SchedulingStandIn;
  const sentSeen: DomainEventEnvelope<NotificationSentPayload>[] = [];

  const startDispatchHere = () => startDispatch(environment, { RPC_TIMEOUT_MS: '4000', REMINDER_RELEASE_BATCH: String(RELEASE_BATCH) });

  beforeAll(async () => {
    environment = isolatedEnvironment('dispatch_staged');
    app = await startDispatchHere();
    db = app.get(DataSource);
    rpc = app.get(RpcClient);
    const names = new MessagingNames(environment.amqpNamespace);
    scheduling = await SchedulingStandIn.start(environment.env.AMQP_URL, names);
    broker = await BrokerClient.connect(environment.env.AMQP_URL);
    exchange = names.exchange;
    sentQueue = await broker.observe(exchange, DOMAIN_EVENT.NotificationSent);
  });

  afterEach(() => {
    scheduling.mode = 'answer';
    scheduling.decide = sendIt;
  });

  afterAll(async () => {
    await broker?.close();
    await scheduling?.close();
    await app?.close().catch(() => undefined);
    if (environment) {
      await cleanUpDispatch(environment, [SERVICE.notificationDispatch, SERVICE.scheduling]);
    }
  });

  const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
  const uniquePhone = () => `+1415${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

  interface RequestOptions {
    sendAt?: string;
    channels?: Channel[];
    skipped?: NotificationRequestedPayload['skipped'];
    phone?: string | null;
    replyCodes?: boolean;
    dedupeKey?: string;
    /** The event's start (default: two days from now, read at the call). */
    eventStart?: string;
  }

  /** A reminder request as scheduling stages it: `sendAt` its due time, `reminder` what was staged. */
  function reminderRequest(eventId: string, options: RequestOptions = {}): NotificationRequestedPayload {
    const phone = options.phone === undefined ? uniquePhone() : options.phone;
    const notifications = (options.channels ?? ['email']).map((channel) => ({
      notificationId: randomUUID(),
      channel,
      address: channel === 'email' ? 'jane@example.com' : phone!,
    }));
    const skipped = options.skipped ?? [];
    const reminderId = randomUUID();
    const reminder: ReminderSendRef = {
      reminderId,
      configKey: 'day-before',
      offsetMinutes: 1440,
      startVersion: 1,
      dueAt: options.sendAt ?? new Date().toISOString(),
      late: false,
      eventVersion: 4,
      stagedAt: new Date().toISOString(),
      channels: notifications.map(({ channel, address }) => ({ channel, address })),
      skipped,
    };
    return {
      requestId: randomUUID(),
      type: 'reminder',
      configKey: 'day-before',
      requestedBy: { name: 'Reminder scheduler', email: null },
      notifications,
      skipped,
      recipient: { customerId: randomUUID(), name: 'Jane Doe', email: 'jane@example.com', phone },
      event: reminderEvent(eventId, options.eventStart ?? inMs(2 * 86_400_000)),
      config: reminderConfig({ replyCodes: options.replyCodes }),
      sender: REMINDER_SENDER,
      dedupeKey: options.dedupeKey ?? `reminder:${reminderId}:1`,
      reminder,
      ...(options.sendAt ? { sendAt: options.sendAt } : {}),
    };
  }

  async function publish(...payloads: NotificationRequestedPayload[]): Promise<string[]> {
    const envelopes = payloads.map((payload) =>
      stampDomainEvent({ type: DOMAIN_EVENT.NotificationRequested, eventId: payload.event.id, payload }, 'scheduling'),
    );
    await broker.publishAll(
      envelopes.map((envelope) => ({
        exchange,
        routingKey: DOMAIN_EVENT.NotificationRequested,
        content: JSON.stringify(envelope),
        options: { messageId: envelope.id, type: envelope.type, contentType: 'application/json' },
      })),
    );
    return envelopes.map((envelope) => envelope.id);
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

  interface StoredRow {
    id: string;
    request_id: string;
    channel: string;
    status: string;
    error: string | null;
    dedupe_key: string | null;
    reminder: ReminderSendRef | null;
    next_attempt_at: Date;
    sent_at: Date | null;
    created_at: Date;
  }

  const storedRows = (eventIds: string[]): Promise<StoredRow[]> =>
    db.query(
      `SELECT id, request_id, channel, status, error, dedupe_key, reminder, next_attempt_at, sent_at, created_at
         FROM notification_dispatch.notifications WHERE event_id = ANY($1::uuid[]) ORDER BY created_at, channel`,
      [eventIds],
    );

  const landingTokens = async (eventIds: string[]): Promise<number> =>
    (await db.query('SELECT count(*)::int AS n FROM notification_dispatch.landing_tokens WHERE event_id = ANY($1::uuid[])', [eventIds]))[0]
      .n;

  /** Messages the local sink took for the events (what the customers got), per notification id. */
  const sinkMessages = async (eventIds: string[]): Promise<Map<string, number>> => {
    const rows: { notification_id: string; n: number }[] = await db.query(
      `SELECT o.notification_id, count(*)::int AS n FROM notification_dispatch.dev_outbox o
         JOIN notification_dispatch.notifications n ON n.id = o.notification_id
        WHERE n.event_id = ANY($1::uuid[]) GROUP BY o.notification_id`,
      [eventIds],
    );
    return new Map(rows.map((row) => [row.notification_id, row.n]));
  };
  const sinkTotal = async (eventIds: string[]) => [...(await sinkMessages(eventIds)).values()].reduce((sum, n) => sum + n, 0);

  const consolePage = (eventId: string) =>
    rpc.request<Page<NotificationView>>(SERVICE.notificationDispatch, DISPATCH_REQUEST.listNotifications, { eventId });

  /** The `NotificationSent` events published so far for these requests. */
  async function sentEvents(requestIds: string[]): Promise<DomainEventEnvelope<NotificationSentPayload>[]> {
    sentSeen.push(...(await broker.takeEvents<NotificationSentPayload>(sentQueue)));
    return sentSeen.filter((event) => requestIds.includes(event.payload.requestId));
  }

  /**
   * Brings the staged rows of these events to their due time (now), as the clock would: the tests
   * stage far ahead, so that what they check before the release never races it on a slow machine.
   */
  async function dueNow(eventIds: string[]): Promise<Date> {
    const [[row]]: [{ due: Date }[], number] = await db.query(
      `UPDATE notification_dispatch.notifications SET next_attempt_at = now() WHERE event_id = ANY($1::uuid[]) AND status = 'staged' RETURNING next_attempt_at AS due`,
      [eventIds],
    );
    if (!row) throw new Error('no staged row to bring due');
    return row.due;
  }

  it('holds a staged reminder out of sight until sendAt, then sends it once, NotificationSent carrying its reminder', async () => {
    const eventId = randomUUID();
    const phone = uniquePhone();
    const sendAt = inMs(HOUR);
    const staged = reminderRequest(eventId, { sendAt, channels: ['email', 'sms'], phone, replyCodes: true });
    const [email, sms] = staged.notifications;
    await handled(await publish(staged));

    const rows = await storedRows([eventId]);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        request_id: staged.requestId,
        status: 'staged',
        dedupe_key: staged.dedupeKey,
        reminder: staged.reminder,
      });
      expect(row.next_attempt_at.toISOString()).toBe(sendAt);
    }
    expect(await landingTokens([eventId])).toBe(2);
    expect(await consolePage(eventId)).toMatchObject({ items: [], total: 0 });
    expect(await sinkTotal([eventId])).toBe(0);
    // Nobody can reply to it or open its landing page yet (its token is made known to the test here).
    expect(await rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.latestOpenReplyTargets, { phones: [phone] })).toEqual([null]);
    const token = app.get(LandingTokens).generate();
    await db.query('UPDATE notification_dispatch.landing_tokens SET token_hash = $1 WHERE notification_id = $2', [
      LandingTokens.hash(token),
      email.notificationId,
    ]);
    await expect(rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.resolveLandingToken, { token })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(scheduling.askedAbout(staged.requestId)).toBe(0);

    const due = await dueNow([eventId]);
    await eventually(
      () => sinkTotal([eventId]),
      (count) => count === 2,
      { what: 'the reminder to reach the local sink at its due time', timeoutMs: 15_000 },
    );
    await eventually(
      () => storedRows([eventId]),
      (after) => after.every((row) => row.status === 'sent'),
      { what: 'both rows to be recorded sent' },
    );
    for (const row of await storedRows([eventId])) {
      expect(row.sent_at!.getTime()).toBeGreaterThanOrEqual(due.getTime());
      expect(row.created_at.getTime()).toBeGreaterThanOrEqual(due.getTime()); // the console shows it when it went out
    }
    const sent = await eventually(
      () => sentEvents([staged.requestId]),
      (events) => events.length === 2,
      { what: 'NotificationSent for email and SMS' },
    );
    expect(sent.map((event) => event.payload.notificationId).sort()).toEqual([email.notificationId, sms.notificationId].sort());
    for (const event of sent) expect(event.payload.reminder).toEqual(staged.reminder);

    const shown = await consolePage(eventId);
    expect(shown.total).toBe(2);
    expect(shown.items.map((item) => item.status)).toEqual(['sent', 'sent']);
    await expect(
      rpc.request<LandingTokenView>(SERVICE.notificationDispatch, DISPATCH_REQUEST.resolveLandingToken, { token }),
    ).resolves.toMatchObject({
      notificationId: email.notificationId,
    });
    const [target] = await rpc.request<(LandingTokenView | null)[]>(SERVICE.notificationDispatch, DISPATCH_REQUEST.latestOpenReplyTargets, {
      phones: [phone],
    });
    expect(target).toMatchObject({ notificationId: sms.notificationId });
    expect(scheduling.askedAbout(staged.requestId)).toBe(1);
    expect([...(await sinkMessages([eventId])).values()]).toEqual([1, 1]);
  });

  it('withdraws a staged reminder that scheduling calls stale, refused, missed or restaged: rows and tokens deleted, nothing sent', async () => {
    const verdicts = ['stale', 'refused', 'missed', 'restaged'] as const;
    const sendAt = inMs(HOUR);
    const requests = verdicts.map(() => reminderRequest(randomUUID(), { sendAt, channels: ['email', 'sms'] }));
    const eventIds = requests.map((request) => request.event.id);
    const verdictOf = new Map(requests.map((request, index) => [request.requestId, verdicts[index]]));
    scheduling.decide = (staged): ReminderReleaseVerdict => ({
      requestId: staged.requestId,
      verdict: verdictOf.get(staged.requestId)!,
      reason: `said ${verdictOf.get(staged.requestId)}`,
    });
    await handled(await publish(...requests));
    expect(await storedRows(eventIds)).toHaveLength(8);
    expect(await landingTokens(eventIds)).toBe(8);

    await dueNow(eventIds);
    await eventually(
      () => storedRows(eventIds),
      (rows) => rows.length === 0,
      { what: 'the withdrawn reminders to be deleted', timeoutMs: 15_000 },
    );
    expect(await landingTokens(eventIds)).toBe(0);
    for (const request of requests) expect(scheduling.askedAbout(request.requestId)).toBe(1);
    expect(await sinkTotal(eventIds)).toBe(0);
    expect(await sentEvents(requests.map((request) => request.requestId))).toEqual([]);
  });

  it("a restaged reminder's new request, arriving before the staged copy is withdrawn, waits for the withdrawal and is sent", async () => {
    const eventId = randomUUID();
    const first = reminderRequest(eventId, { sendAt: inMs(1_000) });
    const again = reminderRequest(eventId, { dedupeKey: first.dedupeKey });
    let republished: Promise<void> | null = null;
    scheduling.decide = async (staged) => {
      if (staged.requestId !== first.requestId) return sendIt(staged);
      // As scheduling does: the new request is published before the answer. Answer only once
      // dispatch is inserting it, and waiting for the release's transaction.
      republished ??= publish(again).then(() => undefined);
      await republished;
      await eventually(
        async () =>
          (
            await db.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO%notifications%'`,
            )
          )[0].n as number,
        (waiting) => waiting > 0,
        { what: 'the new request to wait for the release', timeoutMs: 3_500 }, // within RPC_TIMEOUT_MS
      );
      return { requestId: staged.requestId, verdict: 'restaged', reason: 'the event changed' };
    };
    await handled(await publish(first));

    await eventually(
      () => sinkMessages([eventId]),
      (sent) => sent.get(again.notifications[0].notificationId) === 1,
      { what: 'the restaged request to be sent', timeoutMs: 15_000 },
    );
    const rows = await storedRows([eventId]);
    expect(rows.map((row) => [row.request_id, row.status])).toEqual([[again.requestId, expect.stringMatching(/pending|sent/)]]);
    expect(await sinkTotal([eventId])).toBe(1);
    expect(scheduling.askedAbout(first.requestId)).toBe(1);
  });

  it('refuses a second staging of the same reminder (same dedupe key), and sends the first once', async () => {
    const eventId = randomUUID();
    const first = reminderRequest(eventId, { sendAt: inMs(HOUR) });
    const second = reminderRequest(eventId, { sendAt: inMs(HOUR), dedupeKey: first.dedupeKey });
    await handled(await publish(first));
    await handled(await publish(second));
    expect((await storedRows([eventId])).map((row) => [row.request_id, row.status])).toEqual([[first.requestId, 'staged']]);
    expect(await landingTokens([eventId])).toBe(1);

    await dueNow([eventId]);
    await eventually(
      () => sinkTotal([eventId]),
      (count) => count === 1,
      { what: 'the first staging to be sent', timeoutMs: 15_000 },
    );
    expect(await sinkMessages([eventId])).toEqual(new Map([[first.notifications[0].notificationId, 1]]));
    expect(scheduling.askedAbout(second.requestId)).toBe(0);
  });

  it('sends nothing while scheduling does not answer (not running, silent, failing), and sends once it does', async () => {
    const eventId = randomUUID();
    const staged = reminderRequest(eventId, { sendAt: inMs(300), channels: ['email', 'sms'] });
    const asks = jest.spyOn(rpc, 'request');
    const releaseChecks = () => asks.mock.calls.filter(([, pattern]) => pattern === SCHEDULING_REQUEST.checkReminderReleases).length;
    const stillStaged = async () => {
      expect((await storedRows([eventId])).map((row) => row.status)).toEqual(['staged', 'staged']);
      expect(await sinkTotal([eventId])).toBe(0);
    };
    try {
      // Not running: the request queue is gone and the check comes back at once.
      await scheduling.stop();
      await handled(await publish(staged));
      await eventually(releaseChecks, (count) => count >= 3, { what: 'release passes while scheduling is not running', timeoutMs: 15_000 });
      await stillStaged();

      // Running but silent: the check times out (RPC_TIMEOUT_MS).
      scheduling.mode = 'silent';
      await scheduling.resume();
      await eventually(
        () => scheduling.askedAbout(staged.requestId),
        (count) => count >= 2,
        { what: 'checks left unanswered', timeoutMs: 25_000 },
      );
      await stillStaged();

      // Answering an error.
      scheduling.mode = 'fail';
      const before = scheduling.askedAbout(staged.requestId);
      await eventually(
        () => scheduling.askedAbout(staged.requestId),
        (count) => count >= before + 2,
        { what: 'checks answered with an error', timeoutMs: 25_000 },
      );
      await stillStaged();
    } finally {
      asks.mockRestore();
      await scheduling.resume();
    }

    scheduling.mode = 'answer';
    await eventually(
      () => sinkTotal([eventId]),
      (count) => count === 2,
      { what: 'the reminder to go once scheduling answers', timeoutMs: 15_000 },
    );
    expect([...(await sinkMessages([eventId])).values()]).toEqual([1, 1]);
  });

  it('fails a staged reminder the release check cannot read, visibly, and releases the others of its batch', async () => {
    const requests = Array.from({ length: 3 }, () => reminderRequest(randomUUID(), { sendAt: inMs(HOUR), channels: ['email'] }));
    const [good, bad, alsoGood] = requests;
    const eventIds = requests.map((request) => request.event.id);
    scheduling.unreadable.add(bad.requestId);
    const failedEvents = await broker.observe(exchange, DOMAIN_EVENT.NotificationFailed);
    try {
      await handled(await publish(...requests));
      await dueNow(eventIds);
      await eventually(
        () => sinkTotal([good.event.id, alsoGood.event.id]),
        (count) => count === 2,
        { what: 'the readable reminders sent', timeoutMs: 15_000 },
      );
      const [failed] = await eventually(
        () => storedRows([bad.event.id]),
        ([row]) => row?.status === 'failed',
        { what: 'the unreadable reminder failed' },
      );
      expect(failed.error).toMatch(/^the release check could not read this staged reminder: reminders\.0\.reminder\.channels/);
      expect(await sinkTotal([bad.event.id])).toBe(0);
      expect((await consolePage(bad.event.id)).items.map((item) => item.status)).toEqual(['failed']);
      const seen: DomainEventEnvelope<NotificationFailedPayload>[] = [];
      const [told] = await eventually(
        async () => {
          seen.push(...(await broker.takeEvents<NotificationFailedPayload>(failedEvents)));
          return seen.filter((event) => event.payload.requestId === bad.requestId);
        },
        (found) => found.length === 1,
        { what: 'its NotificationFailed' },
      );
      expect(told.payload).toMatchObject({ notificationId: bad.notifications[0].notificationId, status: 'failed', type: 'reminder' });
    } finally {
      scheduling.unreadable.clear();
    }
  });

  it('sends at once a request whose sendAt is not in the future, without a release check', async () => {
    const eventId = randomUUID();
    const late = reminderRequest(eventId, { sendAt: inMs(-60_000), channels: ['email', 'sms'] });
    await handled(await publish(late));
    await eventually(
      () => sinkTotal([eventId]),
      (count) => count === 2,
      { what: 'the late reminder to be sent at once' },
    );
    const sent = await eventually(
      () => sentEvents([late.requestId]),
      (events) => events.length === 2,
      { what: 'its NotificationSent' },
    );
    for (const event of sent) expect(event.payload.reminder).toEqual(late.reminder);
    expect(scheduling.askedAbout(late.requestId)).toBe(0);
  });

  it('logs the skipped channels of a staged reminder only when it is released, as a request sent at once logs them', async () => {
    const skipped: NotificationRequestedPayload['skipped'] = [
      { channel: 'sms', reason: 'no_phone_number', message: 'Jane Doe has no phone number' },
    ];
    const stagedEvent = randomUUID();
    const atOnceEvent = randomUUID();
    // One start for both: their console rows are compared field by field.
    const eventStart = inMs(2 * 86_400_000);
    const staged = reminderRequest(stagedEvent, { sendAt: inMs(HOUR), channels: ['email'], skipped, phone: null, eventStart });
    const atOnce = reminderRequest(atOnceEvent, { channels: ['email'], skipped, phone: null, eventStart });
    await handled(await publish(staged, atOnce));
    expect((await storedRows([stagedEvent])).map((row) => [row.channel, row.status])).toEqual([['email', 'staged']]);
    expect((await consolePage(stagedEvent)).total).toBe(0);

    await dueNow([stagedEvent]);
    await eventually(
      () => consolePage(stagedEvent),
      (page) => page.total === 2 && page.items.every((item) => item.status !== 'pending'),
      { what: 'the released reminder and its skipped channel in the console', timeoutMs: 15_000 },
    );
    const shape = async (eventId: string) =>
      (await consolePage(eventId)).items
        .map(({ id, requestId, eventId: _event, createdAt, updatedAt, sentAt, statusChangedAt, providerMessageId, ...rest }) => rest)
        .sort((a, b) => a.channel.localeCompare(b.channel));
    await eventually(
      () => consolePage(atOnceEvent),
      (page) => page.items.some((item) => item.status === 'sent'),
      { what: 'the request sent at once' },
    );
    expect(await shape(stagedEvent)).toEqual(await shape(atOnceEvent));
    const [skippedRow] = await db.query(
      `SELECT reminder, dedupe_key FROM notification_dispatch.notifications WHERE event_id = $1 AND status = 'skipped'`,
      [stagedEvent],
    );
    expect(skippedRow).toEqual({ reminder: staged.reminder, dedupe_key: null });
  });

  it('asks about a request once when the batch limit falls between its email and its SMS', async () => {
    // Due once every request is staged: 1.5 s was too short on a busy machine, and a request that arrives due is not staged at all.
    const sendAt = inMs(5_000);
    // One single-channel request first: the limits (every RELEASE_BATCH rows) then fall between the rows of a request.
    const requests = [
      reminderRequest(randomUUID(), { sendAt }),
      ...Array.from({ length: 2 * RELEASE_BATCH }, () => reminderRequest(randomUUID(), { sendAt, channels: ['email', 'sms'] })),
    ];
    const eventIds = requests.map((request) => request.event.id);
    await handled(await publish(...requests));
    expect(Date.now()).toBeLessThan(Date.parse(sendAt)); // the premise: staged, then released together

    await eventually(
      () => sinkTotal(eventIds),
      (count) => count === 4 * RELEASE_BATCH + 1,
      { what: 'every staged reminder to be sent', timeoutMs: 15_000 },
    );
    expect(requests.filter((request) => scheduling.askedAbout(request.requestId) !== 1).map((request) => request.requestId)).toEqual([]);
  });

  it('two dispatch processes, and passes run side by side, never send one staged reminder twice', async () => {
    const second = await startDispatchHere();
    try {
      const sendAt = inMs(HOUR);
      const requests = Array.from({ length: 150 }, () => reminderRequest(randomUUID(), { sendAt, channels: ['email', 'sms'] }));
      const eventIds = requests.map((request) => request.event.id);
      await handled(await publish(...requests));
      expect(await storedRows(eventIds)).toHaveLength(300);

      // At the due time, more passes besides the two processes' own polls.
      await dueNow(eventIds);
      const releases = [app, second].map((instance) => instance.get(StagedReminderRelease));
      await Promise.all([...releases, ...releases].map((release) => release.releaseDue()));

      await eventually(
        () => sinkTotal(eventIds),
        (count) => count >= 300,
        { what: 'every staged reminder to be sent', timeoutMs: 30_000 },
      );
      const perNotification = await sinkMessages(eventIds);
      expect(perNotification.size).toBe(300);
      expect([...perNotification.values()].every((count) => count === 1)).toBe(true);
      const sent = await eventually(
        () => sentEvents(requests.map((request) => request.requestId)),
        (events) => events.length >= 300,
        { what: 'a NotificationSent for each', timeoutMs: 15_000 },
      );
      expect(new Set(sent.map((event) => event.payload.notificationId)).size).toBe(sent.length);
    } finally {
      await second.close().catch(() => undefined);
    }
  });
});
