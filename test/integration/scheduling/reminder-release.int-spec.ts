import { randomUUID } from 'node:crypto';
import {
  DOMAIN_EVENT,
  NotificationRequestedPayload,
  ReminderDuePayload,
  ReminderReleaseVerdict,
  SCHEDULING_REQUEST,
  SERVICE,
  StagedReminderDto,
} from '@appointments/contracts';
import { DomainEventEnvelope, MessagingNames, stampDomainEvent } from '@appointments/messaging';
import { eventually, isolatedEnvironment } from '@appointments/testing';
import { Client } from 'pg';
import { BrokerClient } from '../messaging/broker-client';
import { SchedulingHarness } from './scheduling-service';

jest.setTimeout(60_000);

const ACTOR = { id: randomUUID(), name: 'Dana Staff', email: 'dana@example.com' };
const NO_BUTTONS = { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false };
const HOUR = 60 * 60_000;

/**
 * scheduling's side of a reminder, alone, against the real PostgreSQL and RabbitMQ: `ReminderDue`
 * (as reminder-scheduler publishes it) is staged as a `NotificationRequested` with `sendAt`, and
 * nothing of the event changes; the release check (as notification-dispatch asks it at the due
 * time) lets it go and applies its effects once: the chatter line, `booked` → `invited` for a
 * config with buttons, `ReminderSent`. Asked again about the same staged copy (dispatch's release
 * rolled back after the check committed), it prepares the reminder again under the same dedupe
 * key and applies nothing twice.
 */
describe('scheduling: a reminder staged, then let go at its release check', () => {
  const environment = isolatedEnvironment('sched_release');
  const names = new MessagingNames(environment.amqpNamespace);
  let harness: SchedulingHarness;
  let broker: BrokerClient;
  let database: Client;
  let requested: string;
  let reminderSent: string;
  const seen: DomainEventEnvelope[] = [];

  beforeAll(async () => {
    harness = await SchedulingHarness.start(environment);
    ({ broker, database } = harness);
    requested = await broker.observe(names.exchange, DOMAIN_EVENT.NotificationRequested);
    reminderSent = await broker.observe(names.exchange, DOMAIN_EVENT.ReminderSent);
  });

  afterAll(() => harness?.stop());

  const ask = <T>(pattern: string, payload: unknown) => harness.ask<T>(pattern, payload);

  /** The domain events published so far of this type about this event (kept across calls). */
  async function published<P>(queue: string, type: string, eventId: string): Promise<DomainEventEnvelope<P>[]> {
    seen.push(...(await broker.takeEvents(queue)));
    return seen.filter((event) => event.type === type && event.eventId === eventId) as DomainEventEnvelope<P>[];
  }

  /** A customer, a template with a reminder config that has accept/decline buttons, and an event booked by its confirmation. */
  async function bookedEvent(start: Date): Promise<{ eventId: string; customerId: string }> {
    const customer = await ask<{ id: string }>(SCHEDULING_REQUEST.createCustomer, {
      actor: ACTOR,
      customer: { name: 'Ann Lee', email: `ann.${randomUUID()}@example.com`, preferredConfirmationMethod: 'email' },
    });
    const config = (type: string, buttons = NO_BUTTONS) => ({
      key: type,
      type,
      channelMode: 'email',
      emailSubject: `${type}: {{customerTitle}} on {{date}}`,
      emailBody: `<p>Hello {{customerName}}, ${type} for {{date}} at {{time}}.</p>`,
      buttons,
    });
    const template = await ask<{ id: string }>(SCHEDULING_REQUEST.createTemplate, {
      actor: ACTOR,
      template: {
        name: `Visits ${randomUUID()}`,
        titlePattern: '[{status}] Visit with {customerName}',
        customerTitle: 'Your visit',
        notificationConfigs: [config('confirmation'), config('reminder', { ...NO_BUTTONS, accept: true, decline: true })],
        reminderTriggers: [{ configKey: 'reminder', offsetMinutes: 24 * 60 }],
      },
    });
    const event = await ask<{ id: string }>(SCHEDULING_REQUEST.createEvent, {
      actor: ACTOR,
      event: {
        customerId: customer.id,
        templateId: template.id,
        start: start.toISOString(),
        end: new Date(start.getTime() + HOUR).toISOString(),
        timeZone: 'Europe/Berlin',
      },
    });
    await ask(SCHEDULING_REQUEST.sendNotification, {
      actor: ACTOR,
      eventId: event.id,
      notification: { type: 'confirmation', configKey: 'confirmation' },
    });
    return { eventId: event.id, customerId: customer.id };
  }

  /** Publishes the `ReminderDue` of the event's 1-day reminder, as reminder-scheduler does, and waits for its staging. */
  async function stageReminder(eventId: string, start: Date) {
    const reminderId = randomUUID();
    const due: ReminderDuePayload = {
      reminderId,
      eventId,
      configKey: 'reminder',
      offsetMinutes: 24 * 60,
      startVersion: 1,
      dueAt: new Date(start.getTime() - 24 * HOUR).toISOString(),
      firedAt: new Date().toISOString(),
      dedupeKey: `reminder:${reminderId}:1`,
      late: false,
    };
    const envelope = stampDomainEvent({ type: DOMAIN_EVENT.ReminderDue, eventId, payload: due }, SERVICE.reminderScheduler);
    await broker.publish(names.exchange, DOMAIN_EVENT.ReminderDue, JSON.stringify(envelope), { messageId: envelope.id });
    const [staging] = await eventually(
      () => stagedReminders(eventId),
      (events) => events.length === 1,
      { what: 'the staged reminder (NotificationRequested with reminder)' },
    );
    const staged: StagedReminderDto = {
      requestId: staging.payload.requestId,
      eventId,
      dedupeKey: due.dedupeKey,
      reminder: staging.payload.reminder!,
    };
    return { reminderId, due, staging, staged };
  }

  /** The reminders of the event requested so far (staged, or prepared again). */
  async function stagedReminders(eventId: string) {
    return (await published<NotificationRequestedPayload>(requested, DOMAIN_EVENT.NotificationRequested, eventId)).filter(
      (event) => event.payload.reminder,
    );
  }

  /**
   * The `ReminderSent` events scheduling has committed for this event (its outbox: an event is
   * there once the transaction that recorded it committed, before any relay publishes it).
   */
  async function reminderSentRecorded(eventId: string): Promise<number> {
    const { rows } = await database.query(
      `SELECT count(*)::int AS n FROM scheduling.outbox o,
              jsonb_array_elements(CASE WHEN jsonb_typeof(o.envelope) = 'array' THEN o.envelope ELSE jsonb_build_array(o.envelope) END) AS e
        WHERE e->>'type' = $1 AND e->>'eventId' = $2`,
      [DOMAIN_EVENT.ReminderSent, eventId],
    );
    return rows[0].n;
  }

  async function reminderLines(eventId: string) {
    const chatter = await ask<{ kind: string; body: string }[]>(SCHEDULING_REQUEST.getChatter, { id: eventId });
    return {
      reminder: chatter.filter((entry) => entry.kind === 'notification_requested' && entry.body.startsWith('Reminder sent')),
      // The reminder's own (the booking before it wrote "from draft to booked").
      statusChanges: chatter.filter((entry) => entry.kind === 'status_changed' && entry.body.endsWith('to invited')),
    };
  }

  it('stages ReminderDue without touching the event, lets it go once, and applies nothing twice when asked again about the same staged copy', async () => {
    const start = new Date(Date.now() + 26 * HOUR);
    const { eventId } = await bookedEvent(start);
    const { reminderId, due, staging, staged } = await stageReminder(eventId, start);

    // Staged: requested for its due time, rendered as it will leave the event (invited), the event itself unchanged.
    expect(staging.payload).toMatchObject({
      type: 'reminder',
      sendAt: due.dueAt,
      dedupeKey: due.dedupeKey,
      reminder: { reminderId, startVersion: 1, late: false },
    });
    expect(staging.payload.event.title).toBe('[INVITED] Visit with Ann Lee');
    expect(await ask(SCHEDULING_REQUEST.getEvent, { id: eventId })).toMatchObject({ bookingStatus: 'booked' });
    expect((await reminderLines(eventId)).reminder).toEqual([]);

    // Released: let go, its effects applied before dispatch sends.
    const check = () => ask<ReminderReleaseVerdict[]>(SCHEDULING_REQUEST.checkReminderReleases, { reminders: [staged] });
    expect(await check()).toEqual([{ requestId: staged.requestId, verdict: 'send' }]);
    expect(await ask(SCHEDULING_REQUEST.getEvent, { id: eventId })).toMatchObject({
      bookingStatus: 'invited',
      title: '[INVITED] Visit with Ann Lee',
    });
    const once = await reminderLines(eventId);
    expect(once.reminder.map((entry) => entry.body)).toEqual([
      `Reminder sent to Ann Lee by email (${staging.payload.notifications[0].address}), 1 day before the start`,
    ]);
    expect(once.statusChanges.map((entry) => entry.body)).toEqual(['Status changed from booked to invited']);
    expect(await reminderSentRecorded(eventId)).toBe(1);
    const [sent] = await eventually(
      () => published<{ bookingStatus: string }>(reminderSent, DOMAIN_EVENT.ReminderSent, eventId),
      (events) => events.length === 1,
      { what: 'ReminderSent' },
    );
    expect(sent.payload.bookingStatus).toBe('invited');

    // Asked again about the same staged copy: the event changed since the staging, so it is
    // prepared again (same dedupe key; held to its due time, which this test keeps ahead: at a
    // real release it has come, and the copy goes at once), and nothing is applied a second time.
    const [again] = await check();
    expect(again).toMatchObject({ requestId: staged.requestId, verdict: 'restaged' });
    const restaged = await eventually(
      () => stagedReminders(eventId),
      (events) => events.length === 2,
      { what: 'the reminder prepared again' },
    );
    expect(restaged[1].payload).toMatchObject({ dedupeKey: due.dedupeKey, reminder: { reminderId } });
    expect(restaged[1].payload.requestId).not.toBe(staged.requestId);
    expect(restaged[1].payload.sendAt).toBe(due.dueAt);
    const twice = await reminderLines(eventId);
    expect([twice.reminder.length, twice.statusChanges.length]).toEqual([1, 1]);
    expect(await ask(SCHEDULING_REQUEST.getEvent, { id: eventId })).toMatchObject({ bookingStatus: 'invited' });
    expect(await reminderSentRecorded(eventId)).toBe(1);
  });

  it("prepares a reminder again, to the new address, when the customer's email changed after its staging", async () => {
    const start = new Date(Date.now() + 26 * HOUR);
    const { eventId, customerId } = await bookedEvent(start);
    const { staging, staged } = await stageReminder(eventId, start);
    const newEmail = `ann.smith.${randomUUID()}@example.com`;
    expect(staging.payload.notifications.map((notification) => notification.address)).not.toContain(newEmail);

    const updated = await ask<{ email: string; updatedAt: string }>(SCHEDULING_REQUEST.updateCustomer, {
      actor: ACTOR,
      id: customerId,
      changes: { email: newEmail },
    });
    expect(updated.email).toBe(newEmail);

    const [verdict] = await ask<ReminderReleaseVerdict[]>(SCHEDULING_REQUEST.checkReminderReleases, { reminders: [staged] });
    expect(verdict).toMatchObject({ requestId: staged.requestId, verdict: 'restaged' });
    const [, again] = await eventually(
      () => stagedReminders(eventId),
      (events) => events.length === 2,
      { what: 'the reminder prepared again' },
    );
    expect(again.payload.notifications.map((notification) => notification.address)).toEqual([newEmail]);
    expect(again.payload.dedupeKey).toBe(staged.dedupeKey);
  });

  it('withdraws a staged reminder whose start moved (stale), and changes nothing', async () => {
    const start = new Date(Date.now() + 26 * HOUR);
    const { eventId } = await bookedEvent(start);
    const staged = (startVersion: number): StagedReminderDto => ({
      requestId: randomUUID(),
      eventId,
      dedupeKey: `reminder:${randomUUID()}:${startVersion}`,
      reminder: {
        reminderId: randomUUID(),
        configKey: 'reminder',
        offsetMinutes: 24 * 60,
        startVersion,
        dueAt: new Date(start.getTime() - 24 * HOUR).toISOString(),
        late: false,
        eventVersion: 1,
        stagedAt: new Date().toISOString(),
        channels: [{ channel: 'email', address: 'ann@example.com' }],
        skipped: [],
      },
    });
    const verdicts = await ask<ReminderReleaseVerdict[]>(SCHEDULING_REQUEST.checkReminderReleases, { reminders: [staged(2)] });
    expect(verdicts).toEqual([expect.objectContaining({ verdict: 'stale' })]);
    expect(await ask(SCHEDULING_REQUEST.getEvent, { id: eventId })).toMatchObject({ bookingStatus: 'booked' });
    expect((await reminderLines(eventId)).reminder).toEqual([]);
    expect(await reminderSentRecorded(eventId)).toBe(0);
  });
});
