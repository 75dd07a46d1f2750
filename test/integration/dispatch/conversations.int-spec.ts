import { dropDatabase, enablePreparedStatements, ensureDatabase, migrateSchema, serviceDataSourceOptions } from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevOutboxMessageEntity } from '../../../apps/notification-dispatch/src/persistence/dev-outbox-message.entity';
import {
  ConversationsRepository,
  NewConversationMessage,
} from '../../../apps/notification-dispatch/src/persistence/conversations.repository';
import { LandingTokenEntity } from '../../../apps/notification-dispatch/src/persistence/landing-token.entity';
import { DISPATCH_MIGRATIONS } from '../../../apps/notification-dispatch/src/persistence/migrations';
import { NotificationEntity } from '../../../apps/notification-dispatch/src/persistence/notification.entity';

jest.setTimeout(30_000);

const SCHEMA = 'notification_dispatch';
const MINUTE = 60_000;

/** notification-dispatch's conversation store on PostgreSQL, with the service's migrations and prepared statements. */
describe('ConversationsRepository (PostgreSQL)', () => {
  const environment = isolatedEnvironment('dispatch_conversations');
  let dataSource: DataSource;
  let repository: ConversationsRepository;
  const staff = randomUUID();
  const other = randomUUID();

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
    repository = new ConversationsRepository(dataSource);
  });

  beforeEach(async () => {
    await dataSource.query(
      `TRUNCATE ${SCHEMA}.conversation_messages, ${SCHEMA}.conversations, ${SCHEMA}.conversation_reads, ${SCHEMA}.notifications`,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(environment.databaseUrl);
  });

  const base = Date.parse('2026-06-01T12:00:00.000Z');
  function message(phone: string, minutes: number, fields: Partial<NewConversationMessage> = {}): NewConversationMessage {
    return {
      id: randomUUID(),
      phone,
      direction: 'inbound',
      source: 'customer',
      body: `at ${minutes}`,
      at: new Date(base + minutes * MINUTE),
      status: 'delivered',
      notificationId: null,
      staffId: null,
      ...fields,
    };
  }
  const add = (...messages: NewConversationMessage[]) => dataSource.transaction((manager) => repository.addMessages(manager, messages));

  it('adds each message once and keeps the summary on the latest message, whatever the order', async () => {
    const late = message('+14155550100', 10, { direction: 'outbound', source: 'staff', status: 'sent', staffId: staff });
    const early = message('+14155550100', 5, { customer: { id: randomUUID(), name: 'Jane Doe' } });
    expect(await add(late)).toEqual(new Set([late.id]));
    expect(await add(early, late)).toEqual(new Set([early.id]));
    const { rows } = await repository.list({ staffId: staff, search: null, unreadOnly: false, after: null, limit: 10 });
    expect(rows).toEqual([
      expect.objectContaining({ phone: '+14155550100', customerName: 'Jane Doe', lastDirection: 'outbound', lastBody: 'at 10', unread: 1 }),
    ]);
    const known = await repository.knownCustomers(dataSource.manager, ['+14155550100', '+19999999999']);
    expect(known.get('+14155550100')?.customer?.name).toBe('Jane Doe');
    expect(known.has('+19999999999')).toBe(false);
  });

  it('lists unread first, then the latest, by keyset pages; per staff member; by name or digits', async () => {
    for (let index = 0; index < 7; index++) {
      await add(message(`+1415555010${index}`, index, index % 2 === 0 ? { customer: { id: randomUUID(), name: `Person ${index}` } } : {}));
    }
    await repository.markRead(staff, '+14155550106');
    await repository.markRead(staff, '+14155550105');
    const pages: string[] = [];
    let after = null;
    do {
      const page: Awaited<ReturnType<ConversationsRepository['list']>> = await repository.list({
        staffId: staff,
        search: null,
        unreadOnly: false,
        after,
        limit: 3,
      });
      pages.push(...page.rows.map((row) => `${row.phone.slice(-1)}${row.hasUnread ? '*' : ''}`));
      const last = page.rows.at(-1)!;
      after = page.more ? { unread: last.hasUnread, at: last.lastAt.toISOString(), phone: last.phone } : null;
    } while (after);
    expect(pages).toEqual(['4*', '3*', '2*', '1*', '0*', '6', '5']);
    const forOther = await repository.list({ staffId: other, search: null, unreadOnly: true, after: null, limit: 10 });
    expect(forOther.rows).toHaveLength(7);
    const unreadOnly = await repository.list({ staffId: staff, search: null, unreadOnly: true, after: null, limit: 10 });
    expect(unreadOnly.rows.map((row) => row.phone.slice(-1))).toEqual(['4', '3', '2', '1', '0']);
    const byName = await repository.list({ staffId: staff, search: { name: 'person 4' }, unreadOnly: false, after: null, limit: 10 });
    expect(byName.rows.map((row) => row.phone)).toEqual(['+14155550104']);
    const byDigits = await repository.list({ staffId: staff, search: { digits: '5550103' }, unreadOnly: false, after: null, limit: 10 });
    expect(byDigits.rows.map((row) => row.phone)).toEqual(['+14155550103']);
  });

  it("pages a number's messages by keyset, in a window, with the console row's status", async () => {
    const phone = '+14155550100';
    const notificationId = randomUUID();
    await dataSource.query(
      `INSERT INTO ${SCHEMA}.notifications (id, type, channel, direction, recipient_name, status) VALUES ($1, 'staff_message', 'sms', 'outbound', 'Jane', 'delivered')`,
      [notificationId],
    );
    await add(
      message(phone, 1),
      message(phone, 2),
      message(phone, 3, { id: notificationId, direction: 'outbound', source: 'staff', status: 'pending', notificationId, staffId: staff }),
      message(phone, 4),
    );
    const newest = await repository.messages(phone, { before: null, since: new Date(base + 2 * MINUTE), limit: 2 });
    expect(newest.rows.map((row) => [row.body, row.status])).toEqual([
      ['at 4', 'delivered'],
      ['at 3', 'delivered'],
    ]);
    expect(newest.rows[1].staffId).toBe(staff);
    expect(newest.older).toBe(true);
    const last = newest.rows[1];
    const older = await repository.messages(phone, { before: { at: last.at.toISOString(), id: last.id }, since: null, limit: 5 });
    expect(older.rows.map((row) => row.body)).toEqual(['at 2', 'at 1']);
    expect(older.older).toBe(false);
    const windowOnly = await repository.messages(phone, { before: null, since: new Date(base + 3.5 * MINUTE), limit: 5 });
    expect(windowOnly.rows.map((row) => row.body)).toEqual(['at 4']);
    expect(windowOnly.older).toBe(true);
  });

  it('counts unread SMS after the marker; the dashboard lists the latest inbound SMS; the purge empties old conversations', async () => {
    const phone = '+14155550100';
    await add(message(phone, 1), message(phone, 2), message(phone, 3, { direction: 'outbound', source: 'staff', status: 'sent' }));
    await add(message('+14155550199', 4, { customer: { id: randomUUID(), name: 'Old Timer' } }));
    const list = async (who: string) =>
      (await repository.list({ staffId: who, search: null, unreadOnly: false, after: null, limit: 10 })).rows.map((row) => [
        row.phone,
        row.unread,
      ]);
    expect(await list(staff)).toEqual([
      ['+14155550199', 1],
      [phone, 2],
    ]);
    await repository.markRead(staff, phone);
    expect(await list(staff)).toEqual([
      ['+14155550199', 1],
      [phone, 0],
    ]);
    const recent = await repository.recentInbound(2);
    expect(recent.map((row) => [row.phone, row.body, row.customerName])).toEqual([
      ['+14155550199', 'at 4', 'Old Timer'],
      [phone, 'at 2', null],
    ]);
    expect(await repository.purgeBefore(new Date(base + 3.5 * MINUTE), 2)).toBe(3);
    expect(await list(staff)).toEqual([['+14155550199', 1]]);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.conversation_reads`)).toEqual([{ n: 0 }]);
  });

  it("reads outbound notification SMS from the console: in the thread by keyset, window and retention; the inbox's latest", async () => {
    const phone = '+14155550100';
    const customer = { id: randomUUID(), name: 'Jane Doe' };
    const sent = async (minutes: number, fields: { type?: string; status?: string; channel?: string; body?: string } = {}) => {
      const id = randomUUID();
      await dataSource.query(
        `INSERT INTO ${SCHEMA}.notifications (id, type, channel, direction, recipient_name, recipient_phone, sms_body, status, created_at)
         VALUES ($1, $2, $3, 'outbound', 'Jane', $4, $5, $6, $7)`,
        [
          id,
          fields.type ?? 'confirmation',
          fields.channel ?? 'sms',
          phone,
          fields.body ?? `sent ${minutes}`,
          fields.status ?? 'sent',
          new Date(base + minutes * MINUTE).toISOString(),
        ],
      );
      return id;
    };
    const note = (id: string, minutes: number, who?: { id: string; name: string }) =>
      dataSource.transaction((manager) =>
        repository.noteOutbound(manager, [
          { id, phone, body: `sent ${minutes}`, at: new Date(base + minutes * MINUTE), ...(who ? { customer: who } : {}) },
        ]),
      );
    const first = await sent(1);
    await note(first, 1, customer);
    await add(message(phone, 2));
    const reply = await sent(3, { type: 'auto_reply' });
    await note(reply, 3, customer);
    // Not in a conversation: staged, skipped, an email, a staff message's console row (its message is stored).
    await sent(4, { status: 'staged' });
    await sent(4, { status: 'skipped' });
    await sent(4, { channel: 'email' });
    await sent(4, { type: 'staff_message' });
    // Within OUTBOUND_SUMMARY_LAG_MS of the summary: not written, yet the inbox shows it.
    const quick = await sent(3.001);
    await note(quick, 3.001, customer);
    const [summary] = await dataSource.query(`SELECT last_message_id, customer_name FROM ${SCHEMA}.conversations WHERE phone = $1`, [
      phone,
    ]);
    expect(summary).toEqual({ last_message_id: reply, customer_name: 'Jane Doe' });
    const [row] = (await repository.list({ staffId: staff, search: null, unreadOnly: false, after: null, limit: 10 })).rows;
    expect(row).toMatchObject({ customerName: 'Jane Doe', lastDirection: 'outbound', lastBody: 'sent 3.001', unread: 1 });
    expect(row.lastAt.getTime()).toBe(base + 3.001 * MINUTE);
    expect(row.sortAt.getTime()).toBe(base + 3 * MINUTE);
    // Another customer on the number moves the summary at once.
    const moved = await sent(3.002);
    await note(moved, 3.002, { id: randomUUID(), name: 'Sam Newman' });
    expect((await repository.knownCustomers(dataSource.manager, [phone])).get(phone)?.customer?.name).toBe('Sam Newman');

    const all = await repository.messages(phone, { before: null, since: null, limit: 10 });
    expect(all.rows.map((one) => [one.direction, one.source, one.body, one.status])).toEqual([
      ['outbound', 'notification', 'sent 3.002', 'sent'],
      ['outbound', 'notification', 'sent 3.001', 'sent'],
      ['outbound', 'auto_reply', 'sent 3', 'sent'],
      ['inbound', 'customer', 'at 2', 'delivered'],
      ['outbound', 'notification', 'sent 1', 'sent'],
    ]);
    expect(all.rows[4]).toMatchObject({ id: first, staffId: null });
    expect(all.older).toBe(false);
    const newest = await repository.messages(phone, { before: null, since: new Date(base + 2 * MINUTE), limit: 3 });
    expect(newest.rows.map((one) => one.body)).toEqual(['sent 3.002', 'sent 3.001', 'sent 3']);
    expect(newest.older).toBe(true);
    const last = newest.rows[2];
    const older = await repository.messages(phone, { before: { at: last.at.toISOString(), id: last.id }, since: null, limit: 5 });
    expect(older.rows.map((one) => one.body)).toEqual(['at 2', 'sent 1']);
    expect(older.older).toBe(false);
    const kept = await repository.messages(phone, { before: null, since: null, limit: 10, keptSince: new Date(base + 1.5 * MINUTE) });
    expect(kept.rows.map((one) => one.body).at(-1)).toBe('at 2');
    expect(kept.older).toBe(false);
  });

  it('notes a first outbound SMS to a number as its summary, and never moves a summary back', async () => {
    const phone = '+14155550177';
    const id = randomUUID();
    const note = (noteId: string, minutes: number) =>
      dataSource.transaction((manager) =>
        repository.noteOutbound(manager, [{ id: noteId, phone, body: `sent ${minutes}`, at: new Date(base + minutes * MINUTE) }]),
      );
    await note(id, 10);
    await note(randomUUID(), 5);
    const [summary] = await dataSource.query(
      `SELECT last_message_id, last_direction, last_body, customer_id, last_inbound_at FROM ${SCHEMA}.conversations WHERE phone = $1`,
      [phone],
    );
    expect(summary).toEqual({
      last_message_id: id,
      last_direction: 'outbound',
      last_body: 'sent 10',
      customer_id: null,
      last_inbound_at: null,
    });
  });
});
