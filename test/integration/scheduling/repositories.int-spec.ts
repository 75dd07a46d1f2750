import { randomUUID } from 'node:crypto';
import type { NotificationConfig } from '@appointments/contracts';
import { dropDatabase, enablePreparedStatements, ensureDatabase, migrateSchema, serviceDataSourceOptions } from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { ChatterEntriesRepository } from '../../../apps/scheduling/src/persistence/chatter-entries.repository';
import { ChatterEntryEntity } from '../../../apps/scheduling/src/persistence/chatter-entry.entity';
import { CustomerEntity } from '../../../apps/scheduling/src/persistence/customer.entity';
import { CustomersRepository } from '../../../apps/scheduling/src/persistence/customers.repository';
import { EventEntity } from '../../../apps/scheduling/src/persistence/event.entity';
import { EventsRepository } from '../../../apps/scheduling/src/persistence/events.repository';
import { SCHEDULING_MIGRATIONS } from '../../../apps/scheduling/src/persistence/migrations';
import { OptedOutAddressEntity } from '../../../apps/scheduling/src/persistence/opted-out-address.entity';
import { OptedOutAddressesRepository } from '../../../apps/scheduling/src/persistence/opted-out-addresses.repository';
import { SenderSettingsEntity } from '../../../apps/scheduling/src/persistence/sender-settings.entity';
import { SenderSettingsRepository } from '../../../apps/scheduling/src/persistence/sender-settings.repository';
import { TemplateEntity } from '../../../apps/scheduling/src/persistence/template.entity';
import { TemplatesRepository } from '../../../apps/scheduling/src/persistence/templates.repository';

jest.setTimeout(60_000);

/** Eight random lower-case letters: a search term with no digits (digits also search phones). */
const letters = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

const CONFIG: NotificationConfig = {
  key: 'confirmation',
  type: 'confirmation',
  channelMode: 'email',
  emailSubject: 'Your visit on {{date}}',
  emailBody: '<p>See you</p>',
  buttons: { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false },
};

/**
 * Scheduling's repositories against the real PostgreSQL: its own database, built by the service's
 * migrations, opened as the service opens it (its entities, prepared statements on). Each
 * statement is checked for what it reads or writes, the batch ones with several rows, and the
 * locks where a use case relies on them.
 */
describe('scheduling repositories (PostgreSQL)', () => {
  const environment = isolatedEnvironment('sched_repos');
  const events = new EventsRepository();
  const customers = new CustomersRepository();
  const templates = new TemplatesRepository();
  const chatter = new ChatterEntriesRepository();
  const senderSettings = new SenderSettingsRepository();
  const stopList = new OptedOutAddressesRepository();
  let dataSource: DataSource;
  let manager: EntityManager;
  /** A second session, to see what the first has locked. */
  let other: Client;

  beforeAll(async () => {
    await ensureDatabase(environment.databaseUrl);
    dataSource = await new DataSource(
      serviceDataSourceOptions(
        { DATABASE_URL: environment.databaseUrl, DATABASE_PREPARED_STATEMENTS: true },
        {
          schema: 'scheduling',
          entities: [CustomerEntity, TemplateEntity, EventEntity, ChatterEntryEntity, SenderSettingsEntity, OptedOutAddressEntity],
          migrations: [...SCHEDULING_MIGRATIONS],
        },
      ),
    ).initialize();
    await migrateSchema(dataSource, 'scheduling');
    enablePreparedStatements(dataSource);
    manager = dataSource.manager;
    other = new Client({ connectionString: environment.databaseUrl });
    await other.connect();
  });

  afterAll(async () => {
    await other?.end();
    await dataSource?.destroy();
    await dropDatabase(environment.databaseUrl);
  });

  const newCustomer = (name: string, details: Partial<Pick<CustomerEntity, 'email' | 'phone'>> = {}) =>
    customers.add(manager, { id: randomUUID(), name, email: null, phone: null, preferredConfirmationMethod: null, ...details });

  const newTemplate = (name = `Visit ${randomUUID()}`) =>
    templates.add(manager, {
      id: randomUUID(),
      name,
      titlePattern: '[{status}] Visit with {customerName}',
      customerTitle: `Your ${name}`,
      defaultDurationMinutes: null,
      defaultLocation: null,
      statusLabels: {},
      notificationConfigs: [CONFIG],
      reminderTriggers: [],
      followers: {},
    } as Parameters<TemplatesRepository['add']>[1]);

  const newEvent = (customer: CustomerEntity, template: TemplateEntity, start = new Date('2027-05-03T09:00:00Z')) =>
    events.add(
      manager,
      Object.assign(new EventEntity(), {
        id: randomUUID(),
        customerId: customer.id,
        templateId: template.id,
        title: `[DRAFT] Visit with ${customer.name}`,
        start,
        end: new Date(start.getTime() + 60 * 60_000),
        timeZone: 'Europe/Berlin',
        location: null,
        videoUrl: null,
        description: null,
        organizer: { id: randomUUID(), name: 'Dana Staff', email: 'dana@example.com' },
        salesperson: null,
        bookingStatus: 'draft',
        attendeeStatus: 'needs_action',
        notificationState: 'none',
        changedFields: [],
        declineReason: null,
        rescheduleReason: null,
        startVersion: 1,
        calendarSequence: 0,
      }),
    );

  /** Whether the second session can lock the row now (without waiting). */
  async function lockable(table: string, id: string): Promise<boolean> {
    try {
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM scheduling.${table} WHERE id = $1 FOR UPDATE NOWAIT`, [id]);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') return false; // lock_not_available
      throw error;
    } finally {
      await other.query('ROLLBACK');
    }
  }

  describe('EventsRepository', () => {
    it('finds events with their customers in id order, the existing ones only, a non-UUID id finding none', async () => {
      const [ann, bob] = [await newCustomer('Ann Lee'), await newCustomer('Bob Roe')];
      const template = await newTemplate();
      const first = await newEvent(ann, template);
      const second = await newEvent(bob, template);
      const found = await events.findWithCustomers(manager, [second.id, 'not-a-uuid', first.id, randomUUID(), first.id]);
      expect(found.map(({ event, customer }) => [event.id, customer.name])).toEqual(
        [
          [first.id, 'Ann Lee'],
          [second.id, 'Bob Roe'],
        ].sort(([a], [b]) => a.localeCompare(b)),
      );
      expect(found[0].event).toBeInstanceOf(EventEntity);
      expect(found[0].event).not.toHaveProperty('loadedCustomer');
      expect(await events.findWithCustomers(manager, ['not-a-uuid'])).toEqual([]);
    });

    it('forUpdate locks the event rows until the transaction ends, and not their customers', async () => {
      const customer = await newCustomer('Cleo Park');
      const event = await newEvent(customer, await newTemplate());
      await dataSource.transaction(async (transaction) => {
        await events.findWithCustomers(transaction, [event.id], { forUpdate: true });
        expect(await lockable('events', event.id)).toBe(false);
        expect(await lockable('customers', customer.id)).toBe(true);
      });
      expect(await lockable('events', event.id)).toBe(true);
    });

    it('writes the status changes of several events at once, stamping each event with the time of the write', async () => {
      const customer = await newCustomer('Dan Moss');
      const template = await newTemplate();
      const [a, b] = [await newEvent(customer, template), await newEvent(customer, template)];
      const before = a.updatedAt;
      Object.assign(a, {
        bookingStatus: 'booked',
        attendeeStatus: 'needs_action',
        notificationState: 'in_sync',
        title: '[BOOKED] Visit with Dan Moss',
        version: a.version + 1,
      });
      Object.assign(b, {
        bookingStatus: 'declined',
        attendeeStatus: 'declined',
        notificationState: 'update_due',
        declineReason: 'too far',
        changedFields: [{ field: 'location', oldValue: null, newValue: 'Main St', changedAt: '2027-05-01T10:00:00.000Z' }],
        calendarSequence: 2,
        title: '[DECLINED] Visit with Dan Moss',
        version: b.version + 1,
      });
      await events.saveStatusChanges(manager, [a, b]);
      expect(a.updatedAt.getTime()).toBeGreaterThan(before.getTime());
      const stored = new Map((await events.findWithCustomers(manager, [a.id, b.id])).map(({ event }) => [event.id, event] as const));
      expect(stored.get(a.id)).toMatchObject({
        bookingStatus: 'booked',
        notificationState: 'in_sync',
        version: a.version,
        updatedAt: a.updatedAt,
      });
      expect(stored.get(b.id)).toMatchObject({
        bookingStatus: 'declined',
        attendeeStatus: 'declined',
        notificationState: 'update_due',
        declineReason: 'too far',
        rescheduleReason: null,
        changedFields: b.changedFields,
        calendarSequence: 2,
        title: '[DECLINED] Visit with Dan Moss',
        version: b.version,
        updatedAt: b.updatedAt,
      });
      await expect(events.saveStatusChanges(manager, [])).resolves.toBeUndefined();
    });

    it('saves an edit and new titles (the version moves), and answers which events exist, whose they are and how many use a template', async () => {
      const customer = await newCustomer('Eve Nash');
      const template = await newTemplate();
      const event = await newEvent(customer, template);
      const later = await newEvent(customer, template, new Date('2027-06-01T09:00:00Z'));
      event.location = 'Main St';
      const edited = await events.saveEdit(manager, event);
      expect(edited.version).toBe(2);
      later.title = '[DRAFT] Visit with Eve Nash-Lee';
      await events.saveTitles(manager, [later]);
      const stored = await events.findWithCustomers(manager, [event.id, later.id]);
      expect(stored.map(({ event: row }) => [row.id, row.location, row.title, row.version])).toEqual(
        expect.arrayContaining([
          [event.id, 'Main St', '[DRAFT] Visit with Eve Nash', 2],
          [later.id, null, '[DRAFT] Visit with Eve Nash-Lee', 2],
        ]),
      );

      const gone = randomUUID();
      expect(await events.exists(manager, event.id)).toBe(true);
      expect(await events.exists(manager, gone)).toBe(false);
      expect(await events.isKnown(manager, event.id)).toBe(true);
      expect(await events.isKnown(manager, gone)).toBe(false);
      expect(await events.existingIds(manager, [event.id, gone, 'not-a-uuid', event.id])).toEqual(new Set([event.id]));
      expect((await events.idsOfCustomer(manager, customer.id)).sort()).toEqual([event.id, later.id].sort());
      expect(await events.countUsingTemplate(manager, template.id)).toBe(2);
      expect(await events.countUsingTemplate(manager, randomUUID())).toBe(0);
    });

    it('lists the 500 events that start last, latest first', async () => {
      const customer = await newCustomer('Fay Ott');
      const template = await newTemplate();
      const latest = await newEvent(customer, template, new Date('2099-01-02T09:00:00Z'));
      const earlier = await newEvent(customer, template, new Date('2099-01-01T09:00:00Z'));
      const listed = await events.listLatest(manager);
      expect(listed.slice(0, 2).map((event) => event.id)).toEqual([latest.id, earlier.id]);
      expect(listed.length).toBeLessThanOrEqual(500);
    });
  });

  describe('CustomersRepository', () => {
    it('adds, finds, names, and saves changed details (updated_at moves)', async () => {
      const added = await newCustomer('Gus Hale', { email: 'gus@example.com' });
      expect(added.createdAt).toBeInstanceOf(Date);
      expect(await customers.findById(manager, added.id)).toMatchObject({ name: 'Gus Hale', email: 'gus@example.com' });
      expect(await customers.findById(manager, randomUUID())).toBeNull();
      expect(await customers.nameOf(manager, added.id)).toEqual({ id: added.id, name: 'Gus Hale' });
      expect(await customers.nameOf(manager, randomUUID())).toBeNull();

      await dataSource.transaction(async (transaction) => {
        const locked = (await customers.lockById(transaction, added.id))!;
        expect(await lockable('customers', added.id)).toBe(false);
        locked.phone = '+14155550100';
        const saved = await customers.saveDetails(transaction, locked);
        expect(saved.updatedAt.getTime()).toBeGreaterThan(added.updatedAt.getTime());
      });
      expect(await customers.findById(manager, added.id)).toMatchObject({ phone: '+14155550100' });
    });

    it('searches name and email as typed (a % is a percent sign), and the phone by its digits from three on', async () => {
      const tag = letters();
      const percent = await newCustomer(`Hal 50% ${tag}`);
      const plain = await newCustomer(`Hal 500 ${tag}`, { email: `hal.${tag}@example.com`, phone: '+14155559876' });
      const ids = async (search: string) => (await customers.search(manager, search)).map((customer) => customer.id);
      expect(await ids(`50% ${tag}`)).toEqual([percent.id]);
      expect(await ids(`HAL.${tag}`)).toEqual([plain.id]);
      expect(await ids('(415) 555-9876')).toEqual([plain.id]);
      // Newest first, ties by id.
      expect((await ids(tag)).slice(0, 2)).toEqual([plain.id, percent.id]);
      expect((await customers.search(manager)).length).toBeLessThanOrEqual(500);
    });
  });

  describe('TemplatesRepository', () => {
    it('adds, finds one or many, gives customer titles, lists the newest, replaces and deletes', async () => {
      const first = await newTemplate('Survey');
      const second = await newTemplate('Install');
      expect(await templates.findById(manager, first.id)).toMatchObject({ name: 'Survey', notificationConfigs: [CONFIG] });
      expect((await templates.findByIds(manager, [first.id, second.id, randomUUID()])).map((t) => t.id).sort()).toEqual(
        [first.id, second.id].sort(),
      );
      expect(await templates.customerTitlesOf(manager, [first.id, second.id])).toEqual(
        new Map([
          [first.id, 'Your Survey'],
          [second.id, 'Your Install'],
        ]),
      );
      expect((await templates.listLatest(manager)).slice(0, 2).map((t) => t.id)).toEqual([second.id, first.id]);

      const replaced = await templates.replace(manager, Object.assign(first, { customerTitle: 'Your site survey' }));
      expect(replaced.updatedAt.getTime()).toBeGreaterThanOrEqual(first.createdAt.getTime());
      expect(await templates.findById(manager, first.id)).toMatchObject({ customerTitle: 'Your site survey' });

      await dataSource.transaction(async (transaction) => {
        expect(await templates.lockById(transaction, second.id)).toMatchObject({ id: second.id });
        expect(await lockable('templates', second.id)).toBe(false);
        await templates.delete(transaction, second.id);
      });
      expect(await templates.findById(manager, second.id)).toBeNull();
    });
  });

  describe('ChatterEntriesRepository', () => {
    it('writes a batch of entries, skips a known source id, answers which are recorded, and lists an event oldest first', async () => {
      const event = await newEvent(await newCustomer('Ida Wu'), await newTemplate());
      const source = `response:${randomUUID()}`;
      await chatter.add(manager, { eventId: event.id, kind: 'event_created', body: 'Dana created the event' });
      await chatter.addMany(manager, [
        {
          eventId: event.id,
          kind: 'customer_responded',
          body: 'Ida accepted',
          author: { name: 'Ida Wu' },
          channel: 'sms',
          sourceId: source,
        },
        { eventId: event.id, kind: 'status_changed', body: 'Status changed from invited to confirmed', data: { from: 'invited' } },
      ]);
      // Written again (a redelivery): skipped, the rest of the batch still written.
      await chatter.addMany(manager, [
        { eventId: event.id, kind: 'customer_responded', body: 'Ida accepted (again)', sourceId: source },
        { eventId: event.id, kind: 'inbound_message', body: 'Thanks' },
      ]);
      await chatter.addMany(manager, []);

      expect(await chatter.recordedSourceIds(manager, [source, `response:${randomUUID()}`])).toEqual(new Set([source]));
      const entries = await chatter.listOfEvent(manager, event.id);
      expect(entries.map((entry) => entry.body)).toEqual([
        'Dana created the event',
        'Ida accepted',
        'Status changed from invited to confirmed',
        'Thanks',
      ]);
      expect(entries[1]).toMatchObject({ author: { name: 'Ida Wu' }, channel: 'sms', data: {}, sourceId: source });
      expect(entries[2]).toMatchObject({ author: null, channel: null, data: { from: 'invited' }, sourceId: null });
    });
  });

  describe('SenderSettingsRepository', () => {
    it('has no sender until one is saved, then the one saved last, with who saved it', async () => {
      expect(await senderSettings.current(manager)).toBeNull();
      await senderSettings.replace(manager, { name: 'Acme', email: 'hello@example.com' }, { id: 'u1', name: 'Dana' });
      await senderSettings.replace(
        manager,
        { name: 'Acme Visits', email: 'visits@example.com', imageUrl: 'https://example.com/logo.png' },
        { id: 'u2', name: 'Eli' },
      );
      expect(await senderSettings.current(manager)).toMatchObject({
        id: 1,
        name: 'Acme Visits',
        email: 'visits@example.com',
        imageUrl: 'https://example.com/logo.png',
        changedBy: { id: 'u2', name: 'Eli' },
      });
      expect(await manager.count(SenderSettingsEntity)).toBe(1);
    });
  });

  describe('OptedOutAddressesRepository', () => {
    it('finds the stopped ones among many addresses; a change older than the one recorded is ignored', async () => {
      const tag = randomUUID().slice(0, 8);
      const [stopped, restarted, never] = [`a.${tag}@example.com`, `b.${tag}@example.com`, `c.${tag}@example.com`];
      await stopList.recordChange(manager, { channel: 'email', address: stopped, optedOut: true, changedAt: '2027-01-02T00:00:00Z' });
      // An older START arriving late does not take it off.
      await stopList.recordChange(manager, { channel: 'email', address: stopped, optedOut: false, changedAt: '2027-01-01T00:00:00Z' });
      await stopList.recordChange(manager, { channel: 'email', address: restarted, optedOut: true, changedAt: '2027-01-01T00:00:00Z' });
      await stopList.recordChange(manager, { channel: 'email', address: restarted, optedOut: false, changedAt: '2027-01-03T00:00:00Z' });
      await stopList.recordChange(manager, { channel: 'sms', address: '+14155550100', optedOut: true, changedAt: '2027-01-01T00:00:00Z' });

      const found = await stopList.stoppedAmong(manager, [
        { channel: 'email', address: stopped },
        { channel: 'email', address: restarted },
        { channel: 'email', address: never },
        { channel: 'sms', address: '+14155550100' },
        // The same address on another channel is another entry.
        { channel: 'sms', address: stopped },
      ]);
      expect(found.map((row) => `${row.channel}:${row.address}`).sort()).toEqual([`email:${stopped}`, 'sms:+14155550100']);
    });
  });
});
