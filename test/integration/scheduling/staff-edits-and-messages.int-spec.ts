import { randomUUID } from 'node:crypto';
import {
  DOMAIN_EVENT,
  InboundMessageReceivedPayload,
  NotificationFailedPayload,
  NotificationSentPayload,
  OptOutChangedPayload,
  SCHEDULING_REQUEST,
  SERVICE,
} from '@appointments/contracts';
import { MessagingNames, stampDomainEvent } from '@appointments/messaging';
import { eventually, isolatedEnvironment } from '@appointments/testing';
import { Client } from 'pg';
import { BrokerClient } from '../messaging/broker-client';
import { SchedulingHarness } from './scheduling-service';

jest.setTimeout(60_000);

/** Eight random lower-case letters: a search term with no digits (digits also search phones). */
const letters = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

const ACTOR = { id: randomUUID(), name: 'Dana Staff', email: 'dana@example.com' };
const NO_BUTTONS = { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false };
const HOUR = 60 * 60_000;

interface Chatter {
  kind: string;
  body: string;
  author: { id?: string; name: string } | null;
}

/**
 * scheduling alone, against the real PostgreSQL and RabbitMQ: what staff do to templates,
 * customers, events and the sender, and what it makes of the messages other services publish
 * (an opt-out, an inbound SMS, a notification's outcome), each read back the way the console
 * reads it. Together with reminder-release.int-spec.ts this goes through every repository method
 * from the service's own controllers and handlers.
 */
describe('scheduling: staff edits and the messages it consumes', () => {
  const environment = isolatedEnvironment('sched_edits');
  const names = new MessagingNames(environment.amqpNamespace);
  let harness: SchedulingHarness;
  let broker: BrokerClient;
  let database: Client;

  beforeAll(async () => {
    harness = await SchedulingHarness.start(environment);
    ({ broker, database } = harness);
  });

  afterAll(() => harness?.stop());

  const ask = <T>(pattern: string, payload: unknown = {}) => harness.ask<T>(pattern, payload);

  /** Publishes a domain event as its producer does. */
  async function publish(type: string, eventId: string, payload: unknown, producer: string) {
    const envelope = stampDomainEvent({ type, eventId, payload }, producer);
    await broker.publish(names.exchange, type, JSON.stringify(envelope), { messageId: envelope.id });
  }

  const chatterOf = (eventId: string) => ask<Chatter[]>(SCHEDULING_REQUEST.getChatter, { id: eventId });

  const templateFields = (name: string) => ({
    name,
    titlePattern: '[{status}] Visit with {customerName}',
    customerTitle: `Your ${name}`,
    notificationConfigs: [
      {
        key: 'confirmation',
        type: 'confirmation',
        channelMode: 'email',
        emailSubject: 'Confirmed: {{customerTitle}} on {{date}}',
        emailBody: '<p>Hello {{customerName}}, see you on {{date}} at {{time}}.</p>',
        buttons: NO_BUTTONS,
      },
    ],
  });

  const newCustomer = (name: string, email = `${randomUUID()}@example.com`) =>
    ask<{ id: string; name: string; email: string }>(SCHEDULING_REQUEST.createCustomer, {
      actor: ACTOR,
      customer: { name, email, phone: '+14155550123', preferredConfirmationMethod: 'email' },
    });

  const newTemplate = (name = `Visit ${randomUUID()}`) =>
    ask<{ id: string; name: string; customerTitle: string }>(SCHEDULING_REQUEST.createTemplate, {
      actor: ACTOR,
      template: templateFields(name),
    });

  const newEvent = (customerId: string, templateId: string, start = new Date(Date.now() + 48 * HOUR)) =>
    ask<{ id: string; title: string; start: string }>(SCHEDULING_REQUEST.createEvent, {
      actor: ACTOR,
      event: {
        customerId,
        templateId,
        start: start.toISOString(),
        end: new Date(start.getTime() + HOUR).toISOString(),
        timeZone: 'Europe/Berlin',
      },
    });

  it('templates: read, listed newest first, replaced whole; one in use cannot be deleted, an unused one can', async () => {
    const used = await newTemplate('Survey');
    const unused = await newTemplate('Install');
    await newEvent((await newCustomer('Ann Lee')).id, used.id);

    expect(await ask(SCHEDULING_REQUEST.getTemplate, { id: used.id })).toMatchObject({ name: 'Survey', customerTitle: 'Your Survey' });
    const listed = await ask<{ id: string }[]>(SCHEDULING_REQUEST.listTemplates);
    expect(listed.slice(0, 2).map((template) => template.id)).toEqual([unused.id, used.id]);
    const replaced = await ask(SCHEDULING_REQUEST.updateTemplate, {
      actor: ACTOR,
      id: used.id,
      template: { ...templateFields('Site survey'), customerTitle: 'Your site survey' },
    });
    expect(replaced).toMatchObject({ id: used.id, name: 'Site survey', customerTitle: 'Your site survey' });
    await expect(
      ask(SCHEDULING_REQUEST.updateTemplate, { actor: ACTOR, id: randomUUID(), template: templateFields('X') }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });

    await expect(ask(SCHEDULING_REQUEST.deleteTemplate, { id: used.id })).rejects.toMatchObject({
      code: 'conflict',
      message: 'The template "Site survey" is used by 1 event and cannot be deleted',
    });
    expect(await ask(SCHEDULING_REQUEST.deleteTemplate, { id: unused.id })).toEqual({ id: unused.id, deleted: true });
    await expect(ask(SCHEDULING_REQUEST.getTemplate, { id: unused.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it("customers: found by a part of the name, the email or the phone's digits; a new name retitles their events and tells the chatter of those to come", async () => {
    const tag = letters();
    const customer = await newCustomer(`Bea Kim ${tag}`);
    expect((await ask<{ id: string }[]>(SCHEDULING_REQUEST.listCustomers, { search: `kim ${tag}` })).map((c) => c.id)).toEqual([
      customer.id,
    ]);
    expect(
      (await ask<{ id: string }[]>(SCHEDULING_REQUEST.listCustomers, { search: customer.email.toUpperCase() })).map((c) => c.id),
    ).toEqual([customer.id]);
    expect((await ask<{ id: string }[]>(SCHEDULING_REQUEST.listCustomers, { search: '(415) 555-0123' })).map((c) => c.id)).toContain(
      customer.id,
    );
    expect(await ask(SCHEDULING_REQUEST.getCustomer, { id: customer.id })).toMatchObject({ name: `Bea Kim ${tag}` });

    const template = await newTemplate();
    const coming = await newEvent(customer.id, template.id);
    const past = await newEvent(customer.id, template.id, new Date(Date.now() - 48 * HOUR));
    const renamed = await ask(SCHEDULING_REQUEST.updateCustomer, { actor: ACTOR, id: customer.id, changes: { name: `Bea Park ${tag}` } });
    expect(renamed).toMatchObject({ id: customer.id, name: `Bea Park ${tag}` });

    for (const event of [coming, past])
      expect(await ask(SCHEDULING_REQUEST.getEvent, { id: event.id })).toMatchObject({ title: `[DRAFT] Visit with Bea Park ${tag}` });
    const told = async (eventId: string) => (await chatterOf(eventId)).filter((entry) => entry.kind === 'customer_updated');
    expect((await told(coming.id)).map((entry) => entry.body)).toEqual([
      `Dana Staff changed the customer's name from "Bea Kim ${tag}" to "Bea Park ${tag}"; notifications from now on use the new details`,
    ]);
    expect(await told(past.id)).toEqual([]);
    await expect(ask(SCHEDULING_REQUEST.updateCustomer, { actor: ACTOR, id: randomUUID(), changes: { name: 'X' } })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('events: created with its chatter line, an edit saved and told, listed latest first with the customer title', async () => {
    const customer = await newCustomer('Cy Dorn');
    const template = await newTemplate();
    const event = await newEvent(customer.id, template.id, new Date('2099-03-01T09:00:00Z'));
    const edited = await ask(SCHEDULING_REQUEST.updateEvent, { actor: ACTOR, id: event.id, changes: { location: 'Main St 1' } });
    expect(edited).toMatchObject({ id: event.id, location: 'Main St 1' });
    expect((await chatterOf(event.id)).map((entry) => [entry.kind, entry.body])).toEqual([
      ['event_created', `Dana Staff created the event "${event.title}"`],
      ['event_updated', 'Dana Staff changed location from (none) to "Main St 1"'],
    ]);
    const [latest] = await ask<{ id: string; customerTitle: string }[]>(SCHEDULING_REQUEST.listEvents);
    expect(latest).toMatchObject({ id: event.id, customerTitle: template.customerTitle });
    await expect(chatterOf(randomUUID())).rejects.toMatchObject({ code: 'not_found' });
    await expect(newEvent(randomUUID(), template.id)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('sender settings: the configured sender until staff save one on a verified domain', async () => {
    expect(await ask(SCHEDULING_REQUEST.getSenderSettings)).toMatchObject({ changedBy: null, updatedAt: null, verified: true });
    const saved = await ask(SCHEDULING_REQUEST.updateSenderSettings, {
      actor: ACTOR,
      sender: { name: 'Acme Visits', email: 'visits@example.com' },
    });
    expect(saved).toMatchObject({
      name: 'Acme Visits',
      email: 'visits@example.com',
      imageUrl: null,
      changedBy: { id: ACTOR.id, name: ACTOR.name },
    });
    expect(await ask(SCHEDULING_REQUEST.getSenderSettings)).toEqual(saved);
  });

  it("messages: an opt-out takes the address out of the next send; an inbound SMS and a notification's outcomes go into the event's chatter", async () => {
    const customer = await newCustomer('Di Lowe');
    const event = await newEvent(customer.id, (await newTemplate()).id);

    const optOut: OptOutChangedPayload = {
      channel: 'email',
      address: customer.email.toUpperCase(),
      optedOut: true,
      source: 'staff',
      keyword: null,
      changedBy: null,
      changedAt: new Date().toISOString(),
    };
    await publish(DOMAIN_EVENT.OptOutChanged, event.id, optOut, SERVICE.inboundResponse);
    await eventually(
      async () => (await database.query('SELECT opted_out FROM scheduling.opted_out_addresses WHERE address = $1', [customer.email])).rows,
      (rows) => rows.length === 1,
      { what: "the opt-out in scheduling's copy of the stop list (the email lower-cased)" },
    );
    await expect(
      ask(SCHEDULING_REQUEST.sendNotification, {
        actor: ACTOR,
        eventId: event.id,
        notification: { type: 'confirmation', configKey: 'confirmation' },
      }),
    ).rejects.toMatchObject({ code: 'no_channel_available' });

    const inbound: InboundMessageReceivedPayload = {
      messageId: randomUUID(),
      providerMessageId: 'SM1',
      from: '+14155550123',
      to: '+14155550000',
      body: 'Running 5 minutes late',
      receivedAt: new Date().toISOString(),
      kind: 'message',
      eventId: event.id,
      notificationId: null,
      customerId: customer.id,
    };
    await publish(DOMAIN_EVENT.InboundMessageReceived, event.id, inbound, SERVICE.inboundResponse);
    await publish(
      DOMAIN_EVENT.InboundMessageReceived,
      event.id,
      { ...inbound, messageId: randomUUID(), eventId: randomUUID() },
      SERVICE.inboundResponse,
    );
    const outcome = {
      requestId: randomUUID(),
      eventId: event.id,
      type: 'confirmation',
      channel: 'email',
      to: customer.email,
      recipientName: customer.name,
    } as const;
    const sent: NotificationSentPayload = {
      ...outcome,
      notificationId: randomUUID(),
      provider: 'local-sink',
      providerMessageId: 'm1',
      sentAt: new Date().toISOString(),
    };
    const failed: NotificationFailedPayload = { ...outcome, notificationId: randomUUID(), status: 'bounced', reason: 'mailbox full' };
    await publish(DOMAIN_EVENT.NotificationSent, event.id, sent, SERVICE.notificationDispatch);
    await publish(DOMAIN_EVENT.NotificationFailed, event.id, failed, SERVICE.notificationDispatch);
    await publish(
      DOMAIN_EVENT.NotificationFailed,
      event.id,
      { ...failed, notificationId: randomUUID(), eventId: randomUUID() },
      SERVICE.notificationDispatch,
    );

    const entries = await eventually(
      () => chatterOf(event.id),
      (chatter) => chatter.length === 4,
      { what: 'the inbound SMS, the sent and the failed lines' },
    );
    expect(
      entries
        .slice(1)
        .map((entry) => [entry.kind, entry.author?.name ?? null, entry.body])
        .sort(),
    ).toEqual(
      [
        ['inbound_message', 'Di Lowe', expect.stringContaining('Running 5 minutes late')],
        ['notification_failed', null, `Confirmation by email to Di Lowe (${customer.email}) bounced: mailbox full`],
        ['notification_sent', null, `Confirmation sent by email to Di Lowe (${customer.email})`],
      ].sort(),
    );
  });
});
