import type { NotificationConfig } from '@appointments/contracts';
import { dropDatabase, enablePreparedStatements, ensureDatabase, migrateSchema, serviceDataSourceOptions } from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { LandingTokens } from '../../../apps/notification-dispatch/src/landing/landing-tokens';
import { DevOutboxMessageEntity } from '../../../apps/notification-dispatch/src/persistence/dev-outbox-message.entity';
import { DevOutboxMessagesRepository } from '../../../apps/notification-dispatch/src/persistence/dev-outbox-messages.repository';
import { InboundMessagesRepository } from '../../../apps/notification-dispatch/src/persistence/inbound-messages.repository';
import { LandingTokenEntity } from '../../../apps/notification-dispatch/src/persistence/landing-token.entity';
import { LandingTokensRepository } from '../../../apps/notification-dispatch/src/persistence/landing-tokens.repository';
import { DISPATCH_MIGRATIONS } from '../../../apps/notification-dispatch/src/persistence/migrations';
import { NotificationEntity } from '../../../apps/notification-dispatch/src/persistence/notification.entity';
import { NotificationsRepository } from '../../../apps/notification-dispatch/src/persistence/notifications.repository';
import { ConsoleRow, requestRow } from '../../../apps/notification-dispatch/src/requests/console-rows';

jest.setTimeout(30_000);

const SCHEMA = 'notification_dispatch';
const MINUTE = 60_000;

/**
 * notification-dispatch's repositories on PostgreSQL, with the service's migrations and its pool
 * as the service opens it (named prepared statements once migrated): the statements the use cases'
 * unit specs replace with in-memory fakes (`*.repository.fake.ts`). Each case starts from empty tables.
 */
describe('notification-dispatch repositories (PostgreSQL)', () => {
  const environment = isolatedEnvironment('dispatch_repositories');
  let dataSource: DataSource;
  let notifications: NotificationsRepository;
  let tokens: LandingTokensRepository;
  let inbound: InboundMessagesRepository;
  let outbox: DevOutboxMessagesRepository;

  beforeAll(async () => {
    await ensureDatabase(environment.databaseUrl);
    dataSource = await new DataSource(
      serviceDataSourceOptions(
        { DATABASE_URL: environment.databaseUrl, DATABASE_PREPARED_STATEMENTS: true },
        { schema: SCHEMA, entities: [NotificationEntity, DevOutboxMessageEntity, LandingTokenEntity], migrations: DISPATCH_MIGRATIONS },
      ),
    ).initialize();
    await migrateSchema(dataSource, SCHEMA);
    enablePreparedStatements(dataSource);
    notifications = new NotificationsRepository(dataSource);
    tokens = new LandingTokensRepository(dataSource);
    inbound = new InboundMessagesRepository();
    outbox = new DevOutboxMessagesRepository(dataSource);
  });

  beforeEach(async () => {
    await dataSource.query(`TRUNCATE ${SCHEMA}.notifications, ${SCHEMA}.landing_tokens, ${SCHEMA}.dev_outbox`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(environment.databaseUrl);
  });

  const row = (id: string) => dataSource.manager.findOneByOrFail(NotificationEntity, { id });
  const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => dataSource.transaction(work);

  /** A console row of one request, as the requested controller composes it: an email unless `fields` say otherwise. */
  function consoleRow(fields: Partial<ConsoleRow> = {}): ConsoleRow {
    return {
      ...requestRow({
        request_id: randomUUID(),
        event_id: randomUUID(),
        type: 'reminder',
        config_key: 'day-before',
        recipient_name: 'Jane Doe',
        recipient_email: 'jane@example.com',
        recipient_phone: '+14155550100',
        event_start: '2027-01-02T15:00:00.000Z',
        reminder: null,
      }),
      id: randomUUID(),
      subject: 'Reminder',
      body_html: '<p>Reminder</p>',
      body_text: 'Reminder',
      delivery_content: { landingToken: 'token' },
      ...fields,
    };
  }

  /** Logs rows to send now; answers their ids. */
  async function logged(...rows: ConsoleRow[]): Promise<string[]> {
    await inTransaction((manager) =>
      notifications.logRequested(
        manager,
        rows.map((row) => ({ row })),
      ),
    );
    return rows.map((row) => row.id);
  }

  /** Logs a staged reminder's rows, released at `sendAt`. */
  async function staged(sendAt: Date, ...rows: ConsoleRow[]): Promise<ConsoleRow[]> {
    const stagedRows = rows.map((row) => ({
      ...row,
      status: 'staged' as const,
      dedupe_key: row.dedupe_key ?? `reminder:${randomUUID()}:1`,
    }));
    await inTransaction((manager) =>
      notifications.logRequested(
        manager,
        stagedRows.map((row) => ({ row, sendAt: sendAt.toISOString() })),
      ),
    );
    return stagedRows;
  }

  describe('NotificationsRepository', () => {
    it('logs requested sends, leaving out a dedupe key already taken on its channel (in the batch or before)', async () => {
      const key = `reminder:${randomUUID()}:1`;
      const first = consoleRow({ dedupe_key: key });
      const sms = consoleRow({ dedupe_key: key, channel: 'sms' });
      const repeatInBatch = consoleRow({ dedupe_key: key });
      const unkeyed = [consoleRow(), consoleRow()];
      const inserted = await inTransaction((manager) =>
        notifications.logRequested(
          manager,
          [first, sms, repeatInBatch, ...unkeyed].map((row) => ({ row })),
        ),
      );
      expect(inserted).toEqual(new Set([first.id, sms.id, ...unkeyed.map((row) => row.id)]));
      const later = consoleRow({ dedupe_key: key });
      const again = await inTransaction((manager) =>
        notifications.logRequested(manager, [{ row: later, sendAt: new Date().toISOString() }]),
      );
      expect(again).toEqual(new Set());
    });

    it('logs staged rows with their release time, and skipped channels as they are', async () => {
      const sendAt = new Date(Date.now() + 60 * MINUTE);
      const [reminder] = await staged(sendAt, consoleRow());
      const skipped = consoleRow({ channel: 'sms', status: 'skipped', error: 'no phone' });
      await inTransaction((manager) => notifications.logSkipped(manager, [skipped]));
      expect(await row(reminder.id)).toMatchObject({ status: 'staged', nextAttemptAt: sendAt });
      expect(await row(skipped.id)).toMatchObject({ status: 'skipped', channel: 'sms', error: 'no phone' });
    });

    it('claims pending notifications once, recording the attempt, with what a delivery needs', async () => {
      const [id] = await logged(consoleRow());
      const [claimed] = await notifications.claimPending([id, id]);
      expect(claimed).toMatchObject({
        id,
        channel: 'email',
        recipientName: 'Jane Doe',
        recipientEmail: 'jane@example.com',
        subject: 'Reminder',
        html: '<p>Reminder</p>',
        text: 'Reminder',
        deliveryContent: { landingToken: 'token' },
        attempts: 1,
        attemptStartedAt: expect.any(Date),
      });
      expect(await notifications.claimPending([id])).toEqual([]);
    });

    it('claims neither a notification waiting for a retry nor one sent or failed', async () => {
      const [retrying, sent, failed] = await logged(consoleRow(), consoleRow(), consoleRow());
      await notifications.claimPending([retrying, sent, failed]);
      await notifications.scheduleRetry(retrying, 'timeout', new Date(Date.now() + MINUTE));
      await inTransaction((manager) =>
        notifications.recordSent(manager, [{ id: sent, provider: 'local-sink', providerMessageId: 'm1' }], new Date()),
      );
      await inTransaction((manager) => notifications.markFailed(manager, failed, 'refused'));
      expect(await notifications.claimPending([retrying, sent, failed])).toEqual([]);
      expect(await row(retrying)).toMatchObject({ status: 'pending', attemptStartedAt: null, error: 'timeout' });
      expect(await row(failed)).toMatchObject({ status: 'failed', error: 'refused', attemptStartedAt: null, deliveryContent: null });
    });

    it('records sends with one statement; a status a provider reported first stays, with its message id', async () => {
      const [plain, reported] = await logged(consoleRow(), consoleRow({ channel: 'sms' }));
      await notifications.claimPending([plain, reported]);
      const reportedAt = new Date(Date.now() - 1000);
      await inTransaction((manager) =>
        notifications.recordReportedStatus(manager, reported, {
          status: 'delivered',
          providerStatus: 'delivered',
          statusChangedAt: reportedAt,
          providerMessageId: 'SM-report',
        }),
      );
      const sentAt = new Date();
      await inTransaction((manager) =>
        notifications.recordSent(
          manager,
          [
            { id: plain, provider: 'sendgrid', providerMessageId: 'sg-1' },
            { id: reported, provider: 'twilio', providerMessageId: 'SM-send' },
          ],
          sentAt,
        ),
      );
      expect(await row(plain)).toMatchObject({
        status: 'sent',
        provider: 'sendgrid',
        providerMessageId: 'sg-1',
        sentAt,
        statusChangedAt: sentAt,
        attemptStartedAt: null,
        deliveryContent: null,
        error: null,
      });
      expect(await row(reported)).toMatchObject({
        status: 'delivered',
        provider: 'twilio',
        providerMessageId: 'SM-report',
        statusChangedAt: reportedAt,
      });
    });

    it('keeps an attempt whose outcome is unknown open, and finds it once interrupted; sent again, it is due at once', async () => {
      const [id] = await logged(consoleRow());
      await notifications.claimPending([id]);
      await notifications.awaitProviderReport(id, 'timeout; waiting for the provider');
      expect(await row(id)).toMatchObject({ attemptStartedAt: expect.any(Date), error: 'timeout; waiting for the provider' });
      expect(await notifications.interruptedBefore(new Date(Date.now() - MINUTE))).toEqual([]);
      expect((await notifications.interruptedBefore(new Date(Date.now() + 1000))).map((found) => found.id)).toEqual([id]);
      await notifications.sendAgain(id);
      expect(await notifications.interruptedBefore(new Date(Date.now() + 1000))).toEqual([]);
      expect(await notifications.claimPending([id])).toHaveLength(1);
    });

    it('sweeps up pending notifications left more than 2 s, the longest due first, none with an attempt open', async () => {
      const [, older, oldest, open] = await logged(consoleRow(), consoleRow(), consoleRow(), consoleRow());
      await notifications.claimPending([open]);
      await dataSource.query(`UPDATE ${SCHEMA}.notifications SET created_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [
        [older, oldest, open],
      ]);
      await dataSource.query(`UPDATE ${SCHEMA}.notifications SET next_attempt_at = now() - interval '1 minute' WHERE id = $1`, [oldest]);
      expect(await notifications.dueForSweep()).toEqual([oldest, older]);
    });

    it('releases the due staged rows oldest first, at most the limit, claimed and shown from now', async () => {
      const now = Date.now();
      const [later] = await staged(new Date(now - 1 * MINUTE), consoleRow());
      const [earliest] = await staged(new Date(now - 3 * MINUTE), consoleRow());
      const [middle] = await staged(new Date(now - 2 * MINUTE), consoleRow());
      const [notYet] = await staged(new Date(now + 60 * MINUTE), consoleRow());
      const claimed = await inTransaction((manager) => notifications.claimDueStaged(manager, 2));
      expect(claimed.map((found) => found.id)).toEqual(expect.arrayContaining([earliest.id, middle.id]));
      expect(claimed).toHaveLength(2);
      expect(claimed[0]).toMatchObject({
        attempts: 1,
        dedupeKey: expect.any(String),
        configKey: 'day-before',
        eventStart: expect.any(Date),
      });
      expect(await row(earliest.id)).toMatchObject({ status: 'pending', attemptStartedAt: expect.any(Date) });
      expect((await row(earliest.id)).createdAt.getTime()).toBeGreaterThan(now - 1000);
      expect((await inTransaction((manager) => notifications.claimDueStaged(manager, 10))).map((found) => found.id)).toEqual([later.id]);
      expect(await row(notYet.id)).toMatchObject({ status: 'staged' });
    });

    it('lets two releases at once take different rows (SKIP LOCKED), each all it can', async () => {
      const due = new Date(Date.now() - MINUTE);
      const rows = await staged(due, ...Array.from({ length: 6 }, () => consoleRow()));
      const first = dataSource.createQueryRunner();
      await first.connect();
      await first.startTransaction();
      try {
        const takenFirst = await notifications.claimDueStaged(first.manager, 4);
        const takenSecond = await inTransaction((manager) => notifications.claimDueStaged(manager, 10));
        await first.commitTransaction();
        const ids = [...takenFirst, ...takenSecond].map((found) => found.id);
        expect(takenFirst).toHaveLength(4);
        expect(takenSecond).toHaveLength(2);
        expect(new Set(ids)).toEqual(new Set(rows.map((found) => found.id)));
      } finally {
        if (first.isTransactionActive) await first.rollbackTransaction();
        await first.release();
      }
    });

    it('claims the rest of a request whatever its due time; withdraws staged rows with their landing tokens', async () => {
      const request = randomUUID();
      const key = `reminder:${randomUUID()}:1`;
      const [email, sms] = await staged(
        new Date(Date.now() + 60 * MINUTE),
        consoleRow({ request_id: request, dedupe_key: key }),
        consoleRow({ request_id: request, dedupe_key: key, channel: 'sms' }),
      );
      const [other] = await staged(new Date(Date.now() + 60 * MINUTE), consoleRow());
      const claimed = await inTransaction((manager) =>
        notifications.claimStagedOfRequests(manager, [{ dedupeKey: key, requestId: request }]),
      );
      expect(new Set(claimed.map((found) => found.id))).toEqual(new Set([email.id, sms.id]));
      await inTransaction((manager) => tokens.recordMany(manager, [issued('withdrawn-token', other.id)]));
      await inTransaction((manager) => notifications.withdrawStaged(manager, [other.id]));
      expect(await dataSource.manager.findOneBy(NotificationEntity, { id: other.id })).toBeNull();
      expect(await dataSource.manager.countBy(LandingTokenEntity, { notificationId: other.id })).toBe(0);
    });

    it('fails many notifications, each with its reason, with one statement', async () => {
      const [one, two] = await logged(consoleRow(), consoleRow());
      await inTransaction((manager) =>
        notifications.markManyFailed(manager, [
          { id: one, reason: 'unreadable: one' },
          { id: two, reason: 'unreadable: two' },
        ]),
      );
      expect(await row(one)).toMatchObject({ status: 'failed', error: 'unreadable: one', statusChangedAt: expect.any(Date) });
      expect(await row(two)).toMatchObject({ status: 'failed', error: 'unreadable: two' });
    });

    it('finds a reported notification by our id or by its provider message id, and records the report', async () => {
      const [id] = await logged(consoleRow({ channel: 'sms' }));
      await notifications.claimPending([id]);
      const sentAt = new Date();
      await inTransaction((manager) => notifications.recordSent(manager, [{ id, provider: 'twilio', providerMessageId: 'SM77' }], sentAt));
      expect(
        (await inTransaction((manager) => notifications.lockReported(manager, { provider: 'twilio', providerMessageId: 'SM77' })))?.id,
      ).toBe(id);
      expect(
        await inTransaction((manager) => notifications.lockReported(manager, { provider: 'sendgrid', providerMessageId: 'SM77' })),
      ).toBeNull();
      const occurredAt = new Date(sentAt.getTime() + 5000);
      await inTransaction(async (manager) => {
        const locked = await notifications.lockReported(manager, { id });
        await notifications.recordReportedStatus(manager, locked!.id, {
          status: 'undelivered',
          providerStatus: 'undelivered',
          statusChangedAt: occurredAt,
          error: 'code 30003',
        });
      });
      expect(await row(id)).toMatchObject({
        status: 'undelivered',
        providerStatus: 'undelivered',
        statusChangedAt: occurredAt,
        providerMessageId: 'SM77',
        error: 'code 30003',
        sentAt,
      });
    });

    it('holds the reported notification locked until the transaction ends: a second report waits', async () => {
      const [id] = await logged(consoleRow({ channel: 'sms' }));
      const first = dataSource.createQueryRunner();
      await first.connect();
      await first.startTransaction();
      try {
        expect((await notifications.lockReported(first.manager, { id }))?.id).toBe(id);
        await expect(
          inTransaction(async (manager) => {
            await manager.query(`SET LOCAL lock_timeout = '200ms'`);
            return notifications.lockReported(manager, { id });
          }),
        ).rejects.toThrow(/lock timeout/);
        await first.commitTransaction();
        expect((await inTransaction((manager) => notifications.lockReported(manager, { id })))?.id).toBe(id);
      } finally {
        if (first.isTransactionActive) await first.rollbackTransaction();
        await first.release();
      }
    });

    it('settles an interrupted call from a report: the attempt closes, the held message goes', async () => {
      const [id] = await logged(consoleRow({ channel: 'sms' }));
      await notifications.claimPending([id]);
      const occurredAt = new Date();
      await inTransaction((manager) =>
        notifications.recordReportedStatus(manager, id, {
          status: 'delivered',
          providerStatus: 'delivered',
          statusChangedAt: occurredAt,
          providerMessageId: 'SM88',
          settledSentAt: occurredAt,
        }),
      );
      expect(await row(id)).toMatchObject({
        status: 'delivered',
        providerMessageId: 'SM88',
        attemptStartedAt: null,
        deliveryContent: null,
        sentAt: occurredAt,
      });
    });

    it('pages the console newest first, filtered, without staged reminders', async () => {
      const event = randomUUID();
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1)
        ids.push(...(await logged(consoleRow({ event_id: event, recipient_name: `Jane ${index}` }))));
      await logged(
        consoleRow({ recipient_name: 'Someone else' }),
        consoleRow({ event_id: event, channel: 'sms', recipient_name: '50% off' }),
      );
      await staged(new Date(Date.now() + MINUTE), consoleRow({ event_id: event }));
      const { rows, total } = await notifications.consolePage({ eventId: event, channel: 'email' }, 1, 2);
      expect(total).toBe(5);
      expect(rows.map((found) => found.id)).toEqual([ids[4], ids[3]]);
      expect((await notifications.consolePage({ eventId: event, channel: 'email' }, 3, 2)).rows.map((found) => found.id)).toEqual([ids[0]]);
      expect((await notifications.consolePage({ recipient: '50%' }, 1, 50)).rows.map((found) => found.recipientName)).toEqual(['50% off']);
      expect((await notifications.consolePage({ recipient: 'JANE 3' }, 1, 50)).total).toBe(1);
      expect((await notifications.consolePage({ eventId: event }, 1, 50)).total).toBe(6);
    });
  });

  const replyCodes = (enabled: boolean): NotificationConfig => ({
    key: 'day-before',
    type: 'reminder',
    channelMode: 'both',
    emailSubject: 'Reminder',
    emailBody: '<p>Reminder</p>',
    smsBody: 'Reminder',
    buttons: { accept: true, decline: true, reschedule: false, viewDetails: false, addToCalendar: false },
    ...(enabled ? { replyCodes: { enabled: true } } : {}),
  });

  function issued(
    token: string,
    notificationId: string,
    options: { replyCodes?: boolean; expiresAt?: Date; channel?: 'sms' | 'email' } = {},
  ) {
    return {
      tokenHash: LandingTokens.hash(token),
      notificationId,
      eventId: randomUUID(),
      customerId: randomUUID(),
      channel: options.channel ?? ('sms' as const),
      config: replyCodes(options.replyCodes ?? true),
      expiresAt: options.expiresAt ?? new Date(Date.now() + 24 * 60 * MINUTE),
    };
  }

  describe('LandingTokensRepository', () => {
    it('stores only the hash, and finds a token by it, not while its notification is staged', async () => {
      const [sent] = await logged(consoleRow({ channel: 'sms' }));
      const [stagedRow] = await staged(new Date(Date.now() + MINUTE), consoleRow({ channel: 'sms' }));
      await inTransaction((manager) => tokens.recordMany(manager, [issued('sent-token', sent), issued('staged-token', stagedRow.id)]));
      expect(await tokens.findByHash(LandingTokens.hash('sent-token'))).toMatchObject({
        notification_id: sent,
        channel: 'sms',
        config_key: 'day-before',
        recipient_phone: '+14155550100',
        expires_at: expect.any(Date),
        created_at: expect.any(Date),
      });
      expect(await tokens.findByHash(LandingTokens.hash('staged-token'))).toBeNull();
      expect(await tokens.findByHash(LandingTokens.hash('never-issued'))).toBeNull();
      const [stored]: { token_hash: Buffer }[] = await dataSource.query(
        `SELECT token_hash FROM ${SCHEMA}.landing_tokens WHERE notification_id = $1`,
        [sent],
      );
      expect(stored.token_hash).toEqual(LandingTokens.hash('sent-token'));
    });

    it('answers the latest open SMS per phone: reply codes on, not failed or staged, not expired', async () => {
      const phone = (n: number) => `+1415555020${n}`;
      const [older, latest] = await logged(
        consoleRow({ channel: 'sms', recipient_phone: phone(1) }),
        consoleRow({ channel: 'sms', recipient_phone: phone(1) }),
      );
      await dataSource.query(`UPDATE ${SCHEMA}.notifications SET created_at = now() - interval '1 hour' WHERE id = $1`, [older]);
      const [off, failed, expired, email] = await logged(
        consoleRow({ channel: 'sms', recipient_phone: phone(2) }),
        consoleRow({ channel: 'sms', recipient_phone: phone(3) }),
        consoleRow({ channel: 'sms', recipient_phone: phone(4) }),
        consoleRow({ channel: 'email', recipient_phone: phone(5) }),
      );
      await inTransaction((manager) => notifications.markFailed(manager, failed, 'refused'));
      await inTransaction((manager) =>
        tokens.recordMany(manager, [
          issued('older', older),
          issued('latest', latest),
          issued('off', off, { replyCodes: false }),
          issued('failed', failed),
          issued('expired', expired, { expiresAt: new Date(Date.now() - 1000) }),
          issued('email', email, { channel: 'email' }),
        ]),
      );
      const found = await tokens.latestOpenReplyTargets([1, 2, 3, 4, 5, 6].map(phone));
      expect(found.map((target) => target.notification_id)).toEqual([latest]);
      const targets = await inTransaction((manager) => tokens.replyTargetsOf(manager, [older, latest, off, failed, expired, email]));
      expect(new Set(targets.map((target) => target.notification_id))).toEqual(new Set([older, latest, expired]));
    });
  });

  describe('InboundMessagesRepository', () => {
    it('finds the notifications inbound rows answer (not staged, not a malformed id) and logs each row once', async () => {
      const [answered] = await logged(consoleRow({ channel: 'sms' }));
      const [stagedRow] = await staged(new Date(Date.now() + MINUTE), consoleRow({ channel: 'sms' }));
      const found = await inTransaction((manager) =>
        inbound.answeredNotifications(manager, [answered, answered, stagedRow.id, 'not-a-uuid']),
      );
      expect([...found.keys()]).toEqual([answered]);
      const notification = found.get(answered)!;
      expect(notification).toMatchObject({ recipient_name: 'Jane Doe', type: 'reminder', event_start: expect.any(Date) });
      const reply = {
        id: randomUUID(),
        answered: notification,
        channel: 'sms_reply' as const,
        responseType: 'decline' as const,
        reason: 'away',
        smsBody: '2 away',
        providerMessageId: 'SM-in',
        at: new Date(),
        phone: null,
      };
      expect(await inTransaction((manager) => inbound.logMany(manager, [reply]))).toEqual(new Set([reply.id]));
      expect(await inTransaction((manager) => inbound.logMany(manager, [reply]))).toEqual(new Set());
      expect(await row(reply.id)).toMatchObject({
        direction: 'inbound',
        status: 'delivered',
        channel: 'sms_reply',
        provider: 'twilio',
        answersNotificationId: answered,
        recipientPhone: '+14155550100',
        responseType: 'decline',
      });
      expect((await notifications.consolePage({ direction: 'inbound' }, 1, 50)).rows.map((found) => found.id)).toEqual([reply.id]);
    });
  });

  describe('DevOutboxMessagesRepository', () => {
    it('stores messages with one statement, tells whether a notification went out, and lists the latest', async () => {
      const message = (to: string, channel: 'email' | 'sms') => ({
        id: randomUUID(),
        notificationId: randomUUID(),
        channel,
        to,
        from: channel === 'email' ? 'Acme <appointments@example.com>' : null,
        subject: channel === 'email' ? 'Reminder' : null,
        text: null,
        html: null,
        body: channel === 'sms' ? 'Reminder' : null,
        attachments: [{ filename: 'invite.ics', contentType: 'text/calendar', content: 'QkVHSU4=' }],
      });
      const first = [message('jane@example.com', 'email'), message('+14155550100', 'sms')];
      await outbox.storeMany(first);
      const second = message('jane@example.com', 'email');
      await outbox.storeMany([second]);
      expect(await outbox.messageIdFor(first[1].notificationId)).toBe(first[1].id);
      expect(await outbox.messageIdFor(randomUUID())).toBeNull();
      const latest = await outbox.latest({ to: 'jane@example.com' });
      expect(latest.map((found) => found.id)).toEqual([second.id, first[0].id]);
      expect(latest[1]).toMatchObject({ channel: 'email', from: 'Acme <appointments@example.com>', attachments: first[0].attachments });
      expect((await outbox.latest({ channel: 'sms' })).map((found) => found.id)).toEqual([first[1].id]);
    });
  });
});
