import { dropDatabase, ensureDatabase, migrateSchema } from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CustomerResponseEntity } from '../../../apps/inbound-response/src/persistence/customer-response.entity';
import {
  CustomerResponsesRepository,
  NewCustomerResponse,
} from '../../../apps/inbound-response/src/persistence/customer-responses.repository';
import { InboundSmsEntity } from '../../../apps/inbound-response/src/persistence/inbound-sms.entity';
import { InboundSmsRepository, NewInboundSms } from '../../../apps/inbound-response/src/persistence/inbound-sms.repository';
import { InitialInbound1763700000300 } from '../../../apps/inbound-response/src/persistence/migrations/1763700000300-initial-inbound';
import { WebhooksAndStopList1763800000300 } from '../../../apps/inbound-response/src/persistence/migrations/1763800000300-webhooks-and-stop-list';
import { CustomerResponses1763900000300 } from '../../../apps/inbound-response/src/persistence/migrations/1763900000300-customer-responses';
import { ReplyTargets1764000000300 } from '../../../apps/inbound-response/src/persistence/migrations/1764000000300-reply-targets';
import { ProviderCallbackEntity } from '../../../apps/inbound-response/src/persistence/provider-callback.entity';
import { ProviderCallbacksRepository } from '../../../apps/inbound-response/src/persistence/provider-callbacks.repository';
import { ReplyTargetRow, ReplyTargetsRepository } from '../../../apps/inbound-response/src/persistence/reply-targets.repository';
import { StopListEntryEntity } from '../../../apps/inbound-response/src/persistence/stop-list-entry.entity';
import { StopListRepository } from '../../../apps/inbound-response/src/persistence/stop-list.repository';

jest.setTimeout(30_000);

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const phone = () => `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;

/** inbound-response's repositories on PostgreSQL, with the service's own migrations. */
describe('inbound-response repositories (inbound_response schema)', () => {
  const environment = isolatedEnvironment('inbound_repositories');
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(environment.databaseUrl);
    dataSource = await new DataSource({
      type: 'postgres',
      url: environment.databaseUrl,
      schema: 'inbound_response',
      entities: [ProviderCallbackEntity, StopListEntryEntity, CustomerResponseEntity, InboundSmsEntity],
      migrations: [
        InitialInbound1763700000300,
        WebhooksAndStopList1763800000300,
        CustomerResponses1763900000300,
        ReplyTargets1764000000300,
      ],
      migrationsTableName: 'migrations',
    }).initialize();
    await migrateSchema(dataSource, 'inbound_response');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(environment.databaseUrl);
  });

  describe('ReplyTargetsRepository', () => {
    let targets: ReplyTargetsRepository;
    beforeAll(() => (targets = new ReplyTargetsRepository(dataSource)));

    const target = (to: string, fields: Partial<ReplyTargetRow> = {}): ReplyTargetRow => ({
      notification_id: randomUUID(),
      phone: to,
      event_id: randomUUID(),
      customer_id: randomUUID(),
      config_key: 'rsvp',
      channel: 'sms',
      config: { replyCodes: { enabled: true } } as unknown as ReplyTargetRow['config'],
      expires_at: new Date(Date.now() + DAY_MS).toISOString(),
      created_at: ago(HOUR_MS),
      closed_at: null,
      ...fields,
    });
    const add = (...rows: ReplyTargetRow[]) => dataSource.transaction((manager) => targets.add(manager, rows));

    it("answers each phone's latest open target as dispatch's view, leaving out closed and expired ones and phones without one", async () => {
      const [ann, bob, cat] = [phone(), phone(), phone()];
      const older = target(ann, { created_at: ago(2 * HOUR_MS) });
      const latest = target(ann, { created_at: ago(HOUR_MS), channel: null as unknown as string });
      const closed = target(ann, { created_at: ago(60_000), closed_at: ago(30_000) });
      const expired = target(ann, { created_at: ago(30_000), expires_at: ago(1000) });
      const bobs = target(bob);
      expect(await add(older, latest, closed, expired, bobs)).toBe(5);

      const found = await targets.latestOpen([ann, bob, cat]);
      expect([...found.keys()].sort()).toEqual([ann, bob].sort());
      expect(found.get(ann)).toEqual({
        notificationId: latest.notification_id,
        eventId: latest.event_id,
        customerId: latest.customer_id,
        channel: 'sms',
        configKey: 'rsvp',
        config: latest.config,
        expiresAt: latest.expires_at,
        createdAt: latest.created_at,
        phone: ann,
      });
      expect(found.get(bob)?.notificationId).toBe(bobs.notification_id);
    });

    it('adds a target once: a redelivered one is left as it was and not counted', async () => {
      const first = target(phone());
      expect(await add(first)).toBe(1);
      expect(await add({ ...first, config_key: 'other' }, target(phone()))).toBe(1);
      expect((await targets.latestOpen([first.phone])).get(first.phone)?.configKey).toBe('rsvp');
    });

    it('closes the targets of the notifications given, and no other', async () => {
      const to = phone();
      const older = target(to, { created_at: ago(2 * HOUR_MS) });
      const newer = target(to);
      await add(older, newer);
      await dataSource.transaction((manager) => targets.close(manager, [newer.notification_id, randomUUID()]));
      expect((await targets.latestOpen([to])).get(to)?.notificationId).toBe(older.notification_id);
    });

    it('prunes only the targets expired longer than asked', async () => {
      const to = phone();
      const long = target(to, { expires_at: ago(2 * DAY_MS) });
      const recent = target(to, { expires_at: ago(HOUR_MS) });
      await add(long, recent);
      expect(await targets.pruneExpired(DAY_MS)).toBeGreaterThanOrEqual(1);
      const left: { notification_id: string }[] = await dataSource.query(
        'SELECT notification_id FROM inbound_response.reply_targets WHERE phone = $1',
        [to],
      );
      expect(left.map((row) => row.notification_id)).toEqual([recent.notification_id]);
    });
  });

  describe('ProviderCallbacksRepository', () => {
    let callbacks: ProviderCallbacksRepository;
    beforeAll(() => (callbacks = new ProviderCallbacksRepository(dataSource)));
    const record = (...keys: { provider: string; callbackKey: string }[]) =>
      dataSource.transaction((manager) => callbacks.recordNew(manager, keys));

    it('answers the callbacks seen for the first time only, per provider', async () => {
      const sid = `SM${randomUUID().replace(/-/g, '')}`;
      const delivered = { provider: 'twilio', callbackKey: `${sid}:delivered` };
      expect(await record(delivered, { provider: 'sendgrid', callbackKey: `${sid}:delivered` })).toHaveLength(2);
      const failed = { provider: 'twilio', callbackKey: `${sid}:failed` };
      expect(await record(delivered, failed)).toEqual([failed]);
    });

    it('of two transactions recording the same callback at once, answers it to one', async () => {
      const key = { provider: 'sendgrid', callbackKey: randomUUID() };
      const answers = await Promise.all([record(key), record(key)]);
      expect(answers.map((answer) => answer.length).sort()).toEqual([0, 1]);
    });

    it("tells which of a Twilio message's callback keys were recorded (another provider's same key is not)", async () => {
      const sid = `SM${randomUUID().replace(/-/g, '')}`;
      await record({ provider: 'twilio', callbackKey: `${sid}:undelivered` }, { provider: 'sendgrid', callbackKey: `${sid}:failed` });
      const recorded = await dataSource.transaction((manager) =>
        callbacks.recordedOfTwilio(manager, [`${sid}:failed`, `${sid}:undelivered`, `${sid}:canceled`]),
      );
      expect(recorded).toEqual(new Set([`${sid}:undelivered`]));
    });

    it('prunes the callbacks received before the cutoff only', async () => {
      const [old, recent] = [randomUUID(), randomUUID()];
      await record({ provider: 'sendgrid', callbackKey: old }, { provider: 'sendgrid', callbackKey: recent });
      await dataSource.query(
        `UPDATE inbound_response.provider_callbacks SET received_at = now() - interval '8 days' WHERE callback_key = $1`,
        [old],
      );
      expect(await callbacks.pruneReceivedBefore(new Date(Date.now() - 7 * DAY_MS))).toBeGreaterThanOrEqual(1);
      expect(await record({ provider: 'sendgrid', callbackKey: old }, { provider: 'sendgrid', callbackKey: recent })).toEqual([
        { provider: 'sendgrid', callbackKey: old },
      ]);
    });
  });

  describe('InboundSmsRepository', () => {
    const inboundSms = new InboundSmsRepository();
    const received = (messageSid: string, fields: Partial<NewInboundSms> = {}): NewInboundSms => ({
      messageSid,
      from: phone(),
      to: '+14155550000',
      body: '1',
      kind: 'code',
      notificationId: randomUUID(),
      responseId: randomUUID(),
      reply: null,
      ...fields,
    });
    const stored = (messageSid: string) =>
      dataSource
        .query('SELECT message_sid, kind, notification_id, response_id, reply FROM inbound_response.inbound_sms WHERE message_sid = $1', [
          messageSid,
        ])
        .then((rows: unknown[]) => rows[0]);

    it('stores each SMS with what it turned out to be, answering null for each stored now', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const code = received(b);
      const help = received(a, { body: 'HELP', kind: 'help', notificationId: null, responseId: null, reply: 'Reply STOP to opt out' });
      expect(await dataSource.transaction((manager) => inboundSms.addOnce(manager, [code, help]))).toEqual([null, null]);
      expect(await stored(b)).toEqual({
        message_sid: b,
        kind: 'code',
        notification_id: code.notificationId,
        response_id: code.responseId,
        reply: null,
      });
      expect(await stored(a)).toEqual({
        message_sid: a,
        kind: 'help',
        notification_id: null,
        response_id: null,
        reply: 'Reply STOP to opt out',
      });
    });

    it('answers a MessageSid received before with its stored answer, leaving its row as it was', async () => {
      const [before, fresh] = [randomUUID(), randomUUID()];
      await dataSource.transaction((manager) =>
        inboundSms.addOnce(manager, [received(before, { kind: 'no_open_notification', reply: 'No match', responseId: null })]),
      );
      const answers = await dataSource.transaction((manager) =>
        inboundSms.addOnce(manager, [received(fresh), received(before, { kind: 'code', reply: null })]),
      );
      expect(answers).toEqual([null, { kind: 'no_open_notification', reply: 'No match' }]);
      expect(await stored(before)).toMatchObject({ kind: 'no_open_notification', reply: 'No match', response_id: null });
    });

    it('stores a MessageSid given twice in one call once, the first, and answers the second like it', async () => {
      const sid = randomUUID();
      const answers = await dataSource.transaction((manager) =>
        inboundSms.addOnce(manager, [
          received(sid, { kind: 'help', reply: 'Help text', responseId: null }),
          received(sid, { kind: 'message', reply: null, responseId: null }),
        ]),
      );
      expect(answers).toEqual([null, { kind: 'help', reply: 'Help text' }]);
      expect(await stored(sid)).toMatchObject({ kind: 'help', reply: 'Help text' });
    });

    it('of two transactions storing one MessageSid at once, the second waits for the first and answers its stored answer', async () => {
      const sid = randomUUID();
      let releaseFirst: () => void = () => undefined;
      const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstStored: () => void = () => undefined;
      const stored = new Promise<void>((resolve) => (firstStored = resolve));
      const first = dataSource.transaction(async (manager) => {
        const answers = await inboundSms.addOnce(manager, [received(sid, { kind: 'help', reply: 'Help text', responseId: null })]);
        firstStored();
        await firstHolds;
        return answers;
      });
      await stored;
      const second = dataSource.transaction((manager) => inboundSms.addOnce(manager, [received(sid)]));
      await new Promise((resolve) => setTimeout(resolve, 300));
      releaseFirst();
      expect(await first).toEqual([null]);
      expect(await second).toEqual([{ kind: 'help', reply: 'Help text' }]);
    });
  });

  describe('CustomerResponsesRepository', () => {
    const responses = new CustomerResponsesRepository();
    const response = (eventId: string, fields: Partial<NewCustomerResponse> = {}): NewCustomerResponse => ({
      id: randomUUID(),
      eventId,
      customerId: randomUUID(),
      notificationId: randomUUID(),
      response: 'accept',
      reason: null,
      channel: 'sms_reply',
      fromPhone: phone(),
      providerMessageId: null,
      domainEventId: randomUUID(),
      ...fields,
    });

    it("answers each event's latest response (of rows written together, the last), and none for an event without one", async () => {
      const [first, second, quiet] = [randomUUID(), randomUUID(), randomUUID()];
      const accepted = response(first);
      const declined = response(first, { response: 'decline', reason: 'away' });
      const other = response(second, { response: 'reschedule' });
      await dataSource.transaction((manager) => responses.add(manager, [accepted, declined, other]));
      const latest = await dataSource.transaction((manager) => responses.latestOfEvents(manager, [first, second, quiet]));
      expect(latest).toEqual(
        new Map([
          [first, { id: declined.id, response: 'decline', reason: 'away', createdAt: expect.any(Date) }],
          [second, { id: other.id, response: 'reschedule', reason: null, createdAt: expect.any(Date) }],
        ]),
      );
    });

    it("serialises the transactions recording a response to the same event: the second waits for the first's commit", async () => {
      const eventId = randomUUID();
      let releaseFirst: () => void = () => undefined;
      const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
      const steps: string[] = [];
      let firstLocked: () => void = () => undefined;
      const locked = new Promise<void>((resolve) => (firstLocked = resolve));
      const first = dataSource.transaction(async (manager) => {
        await responses.lockEvents(manager, [eventId]);
        firstLocked();
        await firstHolds;
        steps.push('first commits');
      });
      await locked;
      const second = dataSource.transaction(async (manager) => {
        await responses.lockEvents(manager, [randomUUID(), eventId].sort());
        steps.push('second locked');
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(steps).toEqual([]);
      releaseFirst();
      await Promise.all([first, second]);
      expect(steps).toEqual(['first commits', 'second locked']);
    });
  });

  describe('StopListRepository', () => {
    let stopList: StopListRepository;
    beforeAll(() => (stopList = new StopListRepository(dataSource)));
    const entry = (address: string, optedOutAt: Date) => ({
      channel: 'sms' as const,
      address,
      source: 'sms_keyword' as const,
      keyword: 'STOP',
      reason: null,
      changedBy: null,
      optedOutAt,
    });

    it('puts an address on once, lists entries newest first and by part of the address, locks and takes one off once', async () => {
      const [older, newer] = ['+14155559001', '+14155559002'];
      expect(await dataSource.transaction((manager) => stopList.add(manager, entry(older, new Date(Date.now() - HOUR_MS))))).toBe(true);
      expect(await dataSource.transaction((manager) => stopList.add(manager, entry(newer, new Date())))).toBe(true);
      expect(await dataSource.transaction((manager) => stopList.add(manager, { ...entry(newer, new Date()), keyword: 'END' }))).toBe(false);
      expect(await dataSource.transaction((manager) => stopList.get(manager, 'sms', newer))).toMatchObject({ keyword: 'STOP' });

      expect((await stopList.list({ channel: 'sms', address: ' 55590 ' })).map((row) => row.address)).toEqual([newer, older]);
      expect(await stopList.list({ channel: 'email' })).toEqual([]);

      await dataSource.transaction(async (manager) => {
        expect(await stopList.lock(manager, 'sms', older)).toMatchObject({ address: older });
        expect(await stopList.remove(manager, 'sms', older)).toBe(true);
        expect(await stopList.remove(manager, 'sms', older)).toBe(false);
        expect(await stopList.lock(manager, 'sms', older)).toBeNull();
      });
      expect((await stopList.list({})).map((row) => row.address)).toEqual([newer]);
    });
  });
});
