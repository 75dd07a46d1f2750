import { randomUUID } from 'node:crypto';
import { CustomerRespondedPayload, DOMAIN_EVENT, SCHEDULING_REQUEST, SERVICE } from '@appointments/contracts';
import { MessagingNames, stampDomainEvent } from '@appointments/messaging';
import { eventually, isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { ApplyCustomerResponse } from '../../../apps/scheduling/src/events/customer-response/apply-customer-response';
import { BrokerClient } from '../messaging/broker-client';
import { SchedulingHarness } from './scheduling-service';

jest.setTimeout(60_000);

const ACTOR = { id: randomUUID(), name: 'Dana Staff', email: 'dana@example.com' };
const HOUR = 60 * 60_000;

interface Chatter {
  kind: string;
  body: string;
}

/**
 * scheduling's side of a customer's answer, alone, against the real PostgreSQL and RabbitMQ:
 * `CustomerResponded` (as inbound-response publishes it) moves the event, writes its chatter and
 * asks for the follower email and the auto-reply; the same response under another message id
 * changes nothing more. A batch of answers costs the same handful of statements whatever its size.
 */
describe('scheduling: customer responses applied to their events', () => {
  const environment = isolatedEnvironment('sched_responses');
  const names = new MessagingNames(environment.amqpNamespace);
  let harness: SchedulingHarness;
  let app: NestFastifyApplication;
  let broker: BrokerClient;
  let database: Client;
  let templateId: string;

  beforeAll(async () => {
    harness = await SchedulingHarness.start(environment);
    ({ app, broker, database } = harness);
    const template = await ask<{ id: string }>(SCHEDULING_REQUEST.createTemplate, {
      actor: ACTOR,
      template: {
        name: `Visits ${randomUUID()}`,
        titlePattern: '[{status}] Visit with {customerName}',
        customerTitle: 'Your visit',
        notificationConfigs: [
          {
            key: 'rsvp',
            type: 'rsvp_request',
            channelMode: 'email',
            emailSubject: 'Will you come on {{date}}?',
            emailBody: '<p>Hello {{customerName}}, reply 1 to confirm.</p>',
            buttons: { accept: true, decline: true, reschedule: false, viewDetails: false, addToCalendar: false },
          },
        ],
        followers: { autoFollowOrganizer: true, notifyOnAccept: true, notifyOnDecline: true, notifyOnReschedule: false },
      },
    });
    templateId = template.id;
  });

  afterAll(() => harness?.stop());

  const ask = <T>(pattern: string, payload: unknown = {}) => harness.ask<T>(pattern, payload);

  /** An event whose customer has been asked to answer (its RSVP request sent): `invited`. */
  async function invitedEvent(): Promise<{ eventId: string; customerId: string; phone: string }> {
    const phone = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    const customer = await ask<{ id: string }>(SCHEDULING_REQUEST.createCustomer, {
      actor: ACTOR,
      customer: { name: 'Ann Lee', email: `ann.${randomUUID()}@example.com`, phone, preferredConfirmationMethod: 'sms' },
    });
    const start = new Date(Date.now() + 72 * HOUR);
    const event = await ask<{ id: string }>(SCHEDULING_REQUEST.createEvent, {
      actor: ACTOR,
      event: {
        customerId: customer.id,
        templateId,
        start: start.toISOString(),
        end: new Date(start.getTime() + HOUR).toISOString(),
        timeZone: 'Europe/Berlin',
      },
    });
    await ask(SCHEDULING_REQUEST.sendNotification, { actor: ACTOR, eventId: event.id, notification: { type: 'rsvp_request' } });
    return { eventId: event.id, customerId: customer.id, phone };
  }

  /** The customer's SMS "1" (accept) with its auto-reply, as inbound-response records it. */
  const smsAccept = ({ eventId, customerId, phone }: { eventId: string; customerId: string; phone: string }): CustomerRespondedPayload => ({
    responseId: randomUUID(),
    eventId,
    customerId,
    response: 'accept',
    reason: null,
    channel: 'sms_reply',
    notificationId: randomUUID(),
    configKey: 'rsvp',
    respondedAt: new Date().toISOString(),
    from: phone,
    autoReply: 'Thanks, see you then!',
    inboundMessage: null,
  });

  async function publish(response: CustomerRespondedPayload) {
    const envelope = stampDomainEvent(
      { type: DOMAIN_EVENT.CustomerResponded, eventId: response.eventId, payload: response },
      SERVICE.inboundResponse,
    );
    await broker.publish(names.exchange, DOMAIN_EVENT.CustomerResponded, JSON.stringify(envelope), { messageId: envelope.id });
  }

  /** The domain events scheduling has committed to its outbox about this event, by type (and a NotificationRequested's own type). */
  async function recorded(eventId: string): Promise<string[]> {
    const { rows } = await database.query(
      `SELECT e->>'type' AS type, e->'payload'->>'type' AS request FROM scheduling.outbox o,
              jsonb_array_elements(CASE WHEN jsonb_typeof(o.envelope) = 'array' THEN o.envelope ELSE jsonb_build_array(o.envelope) END) AS e
        WHERE e->>'eventId' = $1 AND e->>'type' IN ($2, $3)
        ORDER BY o.created_at, e->>'type', e->'payload'->>'type'`,
      [eventId, DOMAIN_EVENT.ResponseApplied, DOMAIN_EVENT.NotificationRequested],
    );
    return rows.map((row) => (row.request ? `${row.type}:${row.request}` : row.type));
  }

  const chatterOf = (eventId: string) => ask<Chatter[]>(SCHEDULING_REQUEST.getChatter, { id: eventId });

  it('confirms the event on an SMS "1", tells the organizer and replies; the same response again changes nothing', async () => {
    const invited = await invitedEvent();
    const response = smsAccept(invited);
    await publish(response);

    const entries = await eventually(
      () => chatterOf(invited.eventId),
      (chatter) => chatter.some((entry) => entry.kind === 'customer_responded'),
      { what: "the response's chatter entry" },
    );
    const told = entries.filter((entry) => ['customer_responded', 'status_changed'].includes(entry.kind));
    expect(told.slice(-2).map(({ kind, body }) => ({ kind, body }))).toEqual([
      { kind: 'customer_responded', body: 'Customer accepted the meeting (Ann Lee, by SMS reply)' },
      { kind: 'status_changed', body: 'Status changed from invited to confirmed' },
    ]);
    expect(await ask(SCHEDULING_REQUEST.getEvent, { id: invited.eventId })).toMatchObject({
      bookingStatus: 'confirmed',
      attendeeStatus: 'accepted',
    });
    expect(await recorded(invited.eventId)).toEqual(
      expect.arrayContaining(['ResponseApplied', 'NotificationRequested:auto_reply', 'NotificationRequested:internal']),
    );
    const before = await recorded(invited.eventId);

    // inbound-response published it again (its outbox relayed it twice): a new message id, the same response.
    await publish(response);
    await publish({ ...smsAccept(invited), eventId: randomUUID() }); // an event that does not exist: dead-lettered alone
    const marker = smsAccept(invited);
    await publish({ ...marker, response: 'decline', autoReply: null });
    await eventually(
      () => chatterOf(invited.eventId),
      (chatter) => chatter.some((entry) => entry.kind === 'customer_responded' && entry.body.includes('declined')),
      { what: 'the decline published after the repeat' },
    );
    const after = await chatterOf(invited.eventId);
    expect(after.filter((entry) => entry.kind === 'customer_responded').map((entry) => entry.body)).toEqual([
      'Customer accepted the meeting (Ann Lee, by SMS reply)',
      'Customer declined the meeting (Ann Lee, by SMS reply)',
    ]);
    // The repeat added nothing: only the decline's ResponseApplied and its follower email came after.
    expect((await recorded(invited.eventId)).slice(before.length).sort()).toEqual(['NotificationRequested:internal', 'ResponseApplied']);
  });

  it('applies a batch of answers with the same eight statements as one answer', async () => {
    const dataSource = app.get(DataSource);
    const apply = async (responses: CustomerRespondedPayload[]) => {
      const statements: string[] = [];
      const logQuery = jest.spyOn(dataSource.logger, 'logQuery');
      try {
        const outcomes = await dataSource.transaction(async (manager) => {
          logQuery.mockImplementation((query, _parameters, runner) => {
            if (runner === manager.queryRunner) statements.push(summary(query));
          });
          const applied = await run(manager, responses);
          logQuery.mockImplementation(() => undefined); // not the COMMIT
          return applied;
        });
        return { outcomes, statements };
      } finally {
        logQuery.mockRestore();
      }
    };
    const run = (manager: EntityManager, responses: CustomerRespondedPayload[]) =>
      app.get(ApplyCustomerResponse).execute(responses, manager);

    const one = await apply([smsAccept(await invitedEvent())]);
    const many = [];
    for (let index = 0; index < 5; index += 1) many.push(smsAccept(await invitedEvent()));
    const batch = await apply([...many, { ...many[0] }]);

    expect(one.outcomes).toEqual(['applied']);
    expect(batch.outcomes).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'already_applied']);
    const eight = [
      'SELECT scheduling.events FOR UPDATE', // the events, locked, with their customers
      'SELECT scheduling.templates', // their templates
      'SELECT scheduling.chatter_entries', // which responses are already applied
      'SELECT scheduling.sender_settings', // the sender of the follow-ups
      'SELECT scheduling.opted_out_addresses', // the stop list for the follow-ups' addresses
      'UPDATE scheduling.events', // the status changes
      'INSERT scheduling.chatter_entries', // the chatter
      'INSERT scheduling.outbox', // ResponseApplied, the follower emails, the auto-replies
    ];
    expect(one.statements).toEqual(eight);
    expect(batch.statements).toEqual(eight);
  });
});

/** A statement as its verb and first table (and its lock): what it does, not how it is spelled. */
function summary(query: string): string {
  const sql = query.replace(/"/g, '').replace(/\s+/g, ' ').trim();
  const verb = /\b(SELECT|INSERT|UPDATE|DELETE)\b/i.exec(sql)?.[1]?.toUpperCase() ?? sql.split(' ')[0].toUpperCase();
  const table = /\b(?:FROM|INTO|UPDATE)\s+(scheduling\.\w+)/i.exec(sql)?.[1] ?? '?';
  return `${verb} ${table}${/\bFOR UPDATE\b/i.test(sql) ? ' FOR UPDATE' : ''}`;
}
