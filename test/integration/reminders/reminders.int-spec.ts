import { randomUUID } from 'node:crypto';
import {
  DOMAIN_EVENT,
  EventRescheduledPayload,
  EventStatusChangedPayload,
  REMINDER_REQUEST,
  ReminderDuePayload,
  ReminderView,
  TimerFiredPayload,
} from '@appointments/contracts';
import { reminderJobId } from '@appointments/domain';
import { DomainEventEnvelope, MessagingNames, RemoteServiceError } from '@appointments/messaging';
import { eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import { BrokerClient } from '../messaging/broker-client';
import { ReminderService } from './reminder-service';

jest.setTimeout(90_000);

/** Triggers count in minutes: an event starting 1 min + `leadMs` from now has a 1-minute reminder due in `leadMs`. */
const MINUTE = 60_000;
/** These cases test the jobs' own timing: each fires at its due time (no staging lead; the lead has its own case below). */
const FIRE_AT_DUE = { REMINDER_STAGE_AHEAD_SECONDS: '0' };

describe('reminder-scheduler: reminders as BullMQ delayed jobs that fire once, on time', () => {
  let environment: IsolatedEnvironment;
  let service: ReminderService;
  let second: ReminderService | null = null;
  let broker: BrokerClient;
  let exchange: string;
  let reminderDue: string;
  let timerFired: string;
  const seen: DomainEventEnvelope<ReminderDuePayload>[] = [];
  const timersSeen: DomainEventEnvelope<TimerFiredPayload>[] = [];

  beforeAll(async () => {
    service = await ReminderService.start(undefined, FIRE_AT_DUE);
    environment = service.environment;
    broker = await BrokerClient.connect(environment.env.AMQP_URL);
    exchange = new MessagingNames(environment.amqpNamespace).exchange;
    reminderDue = await broker.observe(exchange, DOMAIN_EVENT.ReminderDue);
    timerFired = await broker.observe(exchange, DOMAIN_EVENT.TimerFired);
  });

  afterAll(async () => {
    await broker?.close();
    await second?.stop();
    await service?.stop();
    if (environment) await ReminderService.cleanUp(environment);
  });

  /** Every ReminderDue published so far (kept across calls). */
  async function reminderDues(): Promise<DomainEventEnvelope<ReminderDuePayload>[]> {
    seen.push(...(await broker.takeEvents<ReminderDuePayload>(reminderDue)));
    return seen;
  }
  const duesOf = async (eventId: string) => (await reminderDues()).filter((due) => due.payload.eventId === eventId);

  /** Publishes a domain event as scheduling would; answers its id. */
  async function publish<P>(type: string, eventId: string, payload: P, occurredAt = new Date()): Promise<string> {
    const envelope: DomainEventEnvelope<P> = {
      id: randomUUID(),
      type,
      version: 1,
      occurredAt: occurredAt.toISOString(),
      eventId,
      producer: 'scheduling',
      payload,
    };
    await broker.publish(exchange, type, JSON.stringify(envelope), { messageId: envelope.id, type, contentType: 'application/json' });
    return envelope.id;
  }

  function statusPayload(
    eventId: string,
    start: Date,
    startVersion: number,
    triggers = [{ configKey: 'reminder-1m', offsetMinutes: 1 }],
  ): EventStatusChangedPayload {
    return {
      eventId,
      bookingStatus: 'booked',
      attendeeStatus: 'needs_action',
      notificationState: 'in_sync',
      previousBookingStatus: 'draft',
      title: '[BOOKED] Site visit',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * MINUTE).toISOString(),
      timeZone: 'America/New_York',
      templateId: randomUUID(),
      startVersion,
      reminderTriggers: triggers,
    };
  }

  const listReminders = (eventId: string) =>
    service.rpc.request<ReminderView[]>('reminder-scheduler', REMINDER_REQUEST.listReminders, { id: eventId });

  async function remindersOf(eventId: string, accept: (views: ReminderView[]) => boolean, what: string) {
    return eventually(() => listReminders(eventId), accept, { what, timeoutMs: 15_000 });
  }

  async function jobExists(jobId: string) {
    return (await service.queue.queue.getJob(jobId)) !== undefined;
  }

  it('books → a delayed job per trigger, and ReminderDue at the due time, once, with the dedupe key', async () => {
    const eventId = randomUUID();
    const start = new Date(Date.now() + MINUTE + 3000);
    await publish(DOMAIN_EVENT.EventBooked, eventId, statusPayload(eventId, start, 1));
    const [view] = await remindersOf(eventId, (views) => views.length === 1, 'the reminder to be scheduled');
    expect(view).toMatchObject({
      status: 'scheduled',
      startVersion: 1,
      dueAt: new Date(start.getTime() - MINUTE).toISOString(),
      configKey: 'reminder-1m',
      offsetMinutes: 1,
    });
    await eventually(() => jobExists(reminderJobId(view.id, 1)), Boolean, { what: 'the delayed job' });

    const [due] = await eventually(
      () => duesOf(eventId),
      (dues) => dues.length === 1,
      { what: 'ReminderDue', timeoutMs: 15_000 },
    );
    expect(due.payload).toMatchObject({
      reminderId: view.id,
      startVersion: 1,
      configKey: 'reminder-1m',
      late: false,
      dedupeKey: `reminder:${view.id}:1`,
    });
    const lateness = Date.parse(due.payload.firedAt) - Date.parse(due.payload.dueAt);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1000);
    await remindersOf(eventId, ([row]) => row.status === 'fired' && row.firedAt !== null, 'the reminder to be fired');
    await eventually(
      () => jobExists(reminderJobId(view.id, 1)),
      (exists) => !exists,
      { what: 'the completed job to be removed' },
    );

    // Booked again for the same start (an RSVP request after the confirmation): nothing fires again.
    await publish(DOMAIN_EVENT.RsvpRequested, eventId, statusPayload(eventId, start, 1));
    await service.outboxDrained();
    expect((await listReminders(eventId))[0].status).toBe('fired');
  });

  it('skips (and lists as skipped) a trigger whose time has already passed', async () => {
    const eventId = randomUUID();
    await publish(DOMAIN_EVENT.EventBooked, eventId, statusPayload(eventId, new Date(Date.now() + 30_000), 1));
    const [view] = await remindersOf(eventId, (views) => views.length === 1, 'the reminder to be recorded');
    expect(view.status).toBe('skipped');
    expect(view.reason).toMatch(/already past/);
  });

  it('moves: the old job is removed and the reminder fires for the new start only', async () => {
    const eventId = randomUUID();
    const start = new Date(Date.now() + 10 * MINUTE);
    await publish(DOMAIN_EVENT.EventBooked, eventId, statusPayload(eventId, start, 1));
    const [before] = await remindersOf(eventId, (views) => views.length === 1, 'the reminder to be scheduled');
    await eventually(() => jobExists(reminderJobId(before.id, 1)), Boolean, { what: 'the first job' });

    const moved = new Date(Date.now() + MINUTE + 3000);
    const rescheduled: EventRescheduledPayload = {
      eventId,
      previousStart: start.toISOString(),
      previousEnd: new Date(start.getTime() + 30 * MINUTE).toISOString(),
      start: moved.toISOString(),
      end: new Date(moved.getTime() + 30 * MINUTE).toISOString(),
      timeZone: 'America/New_York',
      startVersion: 2,
    };
    await publish(DOMAIN_EVENT.EventRescheduled, eventId, rescheduled);
    // Its FieldsChanged twin carries the same start version: ignored.
    await publish(DOMAIN_EVENT.FieldsChanged, eventId, {
      eventId,
      changes: [],
      notificationState: 'update_due',
      start: moved.toISOString(),
      end: rescheduled.end,
      timeZone: 'America/New_York',
      startVersion: 2,
    });
    await remindersOf(eventId, ([row]) => row.startVersion === 2 && row.status === 'scheduled', 'the reminder to move');
    await eventually(
      () => jobExists(reminderJobId(before.id, 1)),
      (exists) => !exists,
      { what: 'the old job to be removed' },
    );

    const [due] = await eventually(
      () => duesOf(eventId),
      (dues) => dues.length === 1,
      { what: 'ReminderDue for the new start', timeoutMs: 15_000 },
    );
    expect(due.payload).toMatchObject({ startVersion: 2, dueAt: new Date(moved.getTime() - MINUTE).toISOString() });
  });

  it('cancels: the job is removed and nothing fires', async () => {
    const eventId = randomUUID();
    const start = new Date(Date.now() + MINUTE + 3000);
    await publish(DOMAIN_EVENT.EventBooked, eventId, statusPayload(eventId, start, 1));
    const [view] = await remindersOf(eventId, (views) => views.length === 1, 'the reminder to be scheduled');
    await eventually(() => jobExists(reminderJobId(view.id, 1)), Boolean, { what: 'the job' });
    await publish(DOMAIN_EVENT.EventCancelled, eventId, { ...statusPayload(eventId, start, 1), bookingStatus: 'cancelled' });
    const [cancelled] = await remindersOf(eventId, ([row]) => row.status === 'cancelled', 'the reminder to be cancelled');
    expect(cancelled.reason).toMatch(/cancelled/);
    await eventually(
      () => jobExists(reminderJobId(view.id, 1)),
      (exists) => !exists,
      { what: 'the job to be removed' },
    );

    // A control event due after this one's due time shows the worker went past it.
    const control = randomUUID();
    await publish(DOMAIN_EVENT.EventBooked, control, statusPayload(control, new Date(start.getTime() + 500), 1));
    await eventually(
      () => duesOf(control),
      (dues) => dues.length === 1,
      { what: 'the control reminder', timeoutMs: 15_000 },
    );
    expect(await duesOf(eventId)).toHaveLength(0);
  });

  it('after every key of the prefix is deleted (our FLUSHALL), reconcile re-adds the jobs and each reminder still fires once', async () => {
    const eventId = randomUUID();
    const start = new Date(Date.now() + MINUTE + 4000);
    await publish(
      DOMAIN_EVENT.EventBooked,
      eventId,
      statusPayload(eventId, start, 1, [
        { configKey: 'reminder-1m', offsetMinutes: 1 },
        { configKey: 'reminder-10m', offsetMinutes: 10 }, // already past: skipped, never re-added
      ]),
    );
    const views = await remindersOf(eventId, (rows) => rows.length === 2, 'the reminders to be recorded');
    const scheduled = views.find((row) => row.status === 'scheduled')!;
    await eventually(() => jobExists(reminderJobId(scheduled.id, 1)), Boolean, { what: 'the job' });

    expect(await ReminderService.deleteRedisKeys(environment)).toBeGreaterThan(0);
    expect(await jobExists(reminderJobId(scheduled.id, 1))).toBe(false);
    const report = await service.reconciliation.reconcile();
    expect(report.readded).toBeGreaterThanOrEqual(1);
    expect(await jobExists(reminderJobId(scheduled.id, 1))).toBe(true);

    await eventually(
      () => duesOf(eventId),
      (dues) => dues.length === 1,
      { what: 'ReminderDue after the flush', timeoutMs: 15_000 },
    );
    expect((await service.reconciliation.reconcile()).readded).toBe(0);
    await service.outboxDrained();
    expect(await duesOf(eventId)).toHaveLength(1);
  });

  it('reconcile removes orphan jobs (no scheduled reminder expects them)', async () => {
    await service.queue.add([{ name: 'reminder', jobId: reminderJobId(randomUUID(), 7), fireAt: new Date(Date.now() + 10 * MINUTE) }]);
    const report = await service.reconciliation.reconcile();
    expect(report.orphansRemoved).toBeGreaterThanOrEqual(1);
    expect([...(await service.queue.jobIds(['delayed']))].filter((jobId) => jobId.endsWith('-v7'))).toEqual([]);
  });

  it('a reminder missed while the system was down: sent late before the start, marked missed after it', async () => {
    const late = randomUUID();
    const missed = randomUUID();
    // What a downtime leaves behind: scheduled rows whose due time has passed, and no jobs.
    const insert = (eventId: string, dueAgoMs: number, startInMs: number) =>
      service.db.query(
        `INSERT INTO reminder_scheduler.reminders (event_id, config_key, offset_minutes, event_start, start_version, due_at, status, status_changed_at)
         VALUES ($1, 'reminder-x', 5, $2, 1, $3, 'scheduled', now())`,
        [eventId, new Date(Date.now() + startInMs), new Date(Date.now() - dueAgoMs)],
      );
    await insert(late, 2 * MINUTE, 3 * MINUTE);
    await insert(missed, 10 * MINUTE, -5 * MINUTE);
    await service.reconciliation.reconcile();

    const [due] = await eventually(
      () => duesOf(late),
      (dues) => dues.length === 1,
      { what: 'the late ReminderDue' },
    );
    expect(due.payload.late).toBe(true);
    const [row] = await remindersOf(missed, ([view]) => view?.status === 'missed', 'the reminder to be missed');
    expect(row.reason).toMatch(/at or after the event start/);
    await service.outboxDrained();
    expect(await duesOf(missed)).toHaveLength(0);
  });

  it('ReminderMissed (a staged reminder withdrawn at release: its event had started) marks the fired reminder missed, not one for another start', async () => {
    const eventId = randomUUID();
    const start = new Date(Date.now() + MINUTE + 3000);
    await publish(DOMAIN_EVENT.EventBooked, eventId, statusPayload(eventId, start, 1));
    const [fired] = await remindersOf(eventId, ([row]) => row?.status === 'fired', 'the reminder fired');

    // A copy for another start version changes nothing; the one for this start marks it missed.
    const missed = (startVersion: number) => ({
      reminderId: fired.id,
      eventId,
      startVersion,
      dueAt: fired.dueAt,
      reason: 'released after the event start',
    });
    const other = await publish(DOMAIN_EVENT.ReminderMissed, eventId, missed(7));
    await eventually(
      async () =>
        (await service.db.query('SELECT count(*)::int AS n FROM reminder_scheduler.processed_messages WHERE message_id = $1', [other]))[0]
          .n as number,
      (n) => n === 1,
      { what: 'the ReminderMissed for another start handled' },
    );
    expect((await listReminders(eventId))[0]).toMatchObject({ status: 'fired', reason: null });
    await publish(DOMAIN_EVENT.ReminderMissed, eventId, missed(1));
    const [marked] = await remindersOf(eventId, ([row]) => row.status === 'missed', 'the reminder marked missed');
    expect(marked).toMatchObject({ id: fired.id, startVersion: 1, reason: 'released after the event start', firedAt: fired.firedAt });
  });

  it('two scheduler processes: every reminder is published once', async () => {
    second = await ReminderService.start(environment, FIRE_AT_DUE);
    const eventIds: string[] = Array.from({ length: 20 }, () => randomUUID());
    const start = new Date(Date.now() + MINUTE + 4000);
    for (const eventId of eventIds) await publish(DOMAIN_EVENT.EventBooked, eventId, statusPayload(eventId, start, 1));
    await eventually(
      async () => (await Promise.all(eventIds.map((id) => listReminders(id)))).flat().filter((row) => row.status === 'scheduled').length,
      (count) => count === 20,
      { what: 'the reminders to be scheduled' },
    );
    // Both processes reconcile at once, and both fire the same due jobs directly: the row lock decides.
    await Promise.all([service.reconciliation.reconcile(), second.reconciliation.reconcile()]);
    await eventually(
      async () => (await reminderDues()).filter((due) => eventIds.includes(due.payload.eventId)).length,
      (count) => count === 20,
      {
        what: '20 ReminderDue',
        timeoutMs: 20_000,
      },
    );
    const rows = (await Promise.all(eventIds.map((id) => listReminders(id)))).flat();
    const jobs = rows.map((row) => ({ name: 'reminder', id: reminderJobId(row.id, 1), data: {} }));
    await Promise.all([service.firing.fire(jobs), second.firing.fire(jobs)]);
    await Promise.all([service.outboxDrained(), second.outboxDrained()]);
    const [{ count }] = await service.db.query(
      `SELECT count(*)::int AS count
         FROM reminder_scheduler.outbox,
              jsonb_array_elements(CASE jsonb_typeof(envelope) WHEN 'array' THEN envelope ELSE jsonb_build_array(envelope) END) AS event
        WHERE type = 'ReminderDue' AND event->'payload'->>'eventId' = ANY($1)`,
      [eventIds],
    );
    expect(count).toBe(20);
    const dues = (await reminderDues()).filter((due) => eventIds.includes(due.payload.eventId));
    expect(new Set(dues.map((due) => due.payload.dedupeKey)).size).toBe(20);
    expect(dues).toHaveLength(20);
    await second.stop();
    second = null;
  });

  it('timers: start → TimerFired at the time; restart replaces; cancel → nothing fires', async () => {
    const request = <T>(pattern: string, payload: unknown) => service.rpc.request<T>('reminder-scheduler', pattern, payload);
    const fireAt = new Date(Date.now() + 2000).toISOString();
    const eventId = randomUUID();
    await expect(
      request(REMINDER_REQUEST.startTimer, { key: 'no-response:a', kind: 'no_response', fireAt, eventId, data: { n: 1 } }),
    ).resolves.toEqual({ key: 'no-response:a', fireAt });
    // Restarted with other data before it fires: only the second run fires.
    await request(REMINDER_REQUEST.startTimer, { key: 'no-response:a', kind: 'no_response', fireAt, eventId, data: { n: 2 } });
    await request(REMINDER_REQUEST.startTimer, {
      key: 'no-response:b',
      kind: 'no_response',
      fireAt: new Date(Date.now() + 1500).toISOString(),
    });
    await expect(request(REMINDER_REQUEST.cancelTimer, { key: 'no-response:b' })).resolves.toEqual({
      key: 'no-response:b',
      cancelled: true,
    });
    await expect(request(REMINDER_REQUEST.cancelTimer, { key: 'no-response:b' })).resolves.toEqual({
      key: 'no-response:b',
      cancelled: false,
    });

    const fired = await eventually(
      async () => {
        timersSeen.push(...(await broker.takeEvents<TimerFiredPayload>(timerFired)));
        return timersSeen;
      },
      (all) => all.some((timer) => timer.payload.key === 'no-response:a'),
      { what: 'TimerFired', timeoutMs: 15_000 },
    );
    expect(fired.filter((timer) => timer.payload.key === 'no-response:a').map((timer) => timer.payload)).toEqual([
      expect.objectContaining({ kind: 'no_response', eventId, data: { n: 2 }, fireAt }),
    ]);
    // The cancelled timer's time has passed (a reconcile round would have re-added it, were it scheduled).
    await service.reconciliation.reconcile();
    await service.outboxDrained();
    timersSeen.push(...(await broker.takeEvents<TimerFiredPayload>(timerFired)));
    expect(timersSeen.filter((timer) => timer.payload.key === 'no-response:b')).toHaveLength(0);
  });

  it('refuses a malformed timer like any RPC input', async () => {
    await expect(
      service.rpc.request('reminder-scheduler', REMINDER_REQUEST.startTimer, { key: '', kind: 'x', fireAt: 'tomorrow' }),
    ).rejects.toMatchObject({
      constructor: RemoteServiceError,
      code: 'invalid_input',
    });
  });
  it('stages ahead: the job fires REMINDER_STAGE_AHEAD_SECONDS before the due time; a cancellation before the due time cancels the staged reminder', async () => {
    const staging = await ReminderService.start(isolatedEnvironment('reminders_staged'), { REMINDER_STAGE_AHEAD_SECONDS: '50' });
    const stagedBroker = await BrokerClient.connect(staging.environment.env.AMQP_URL);
    try {
      const stagedExchange = new MessagingNames(staging.environment.amqpNamespace).exchange;
      const dues = await stagedBroker.observe(stagedExchange, DOMAIN_EVENT.ReminderDue);
      const publishThere = async <P>(type: string, eventId: string, payload: P) => {
        const envelope: DomainEventEnvelope<P> = {
          id: randomUUID(),
          type,
          version: 1,
          occurredAt: new Date().toISOString(),
          eventId,
          producer: 'scheduling',
          payload,
        };
        await stagedBroker.publish(stagedExchange, type, JSON.stringify(envelope), {
          messageId: envelope.id,
          type,
          contentType: 'application/json',
        });
      };
      const eventId = randomUUID();
      const start = new Date(Date.now() + MINUTE + 55_000); // due in 55 s, staged 5 s from now
      await publishThere(DOMAIN_EVENT.EventBooked, eventId, statusPayload(eventId, start, 1));
      const seenThere: DomainEventEnvelope<ReminderDuePayload>[] = [];
      const [due] = await eventually(
        async () => {
          seenThere.push(...(await stagedBroker.takeEvents<ReminderDuePayload>(dues)));
          return seenThere.filter((item) => item.payload.eventId === eventId);
        },
        (found) => found.length === 1,
        { what: 'ReminderDue at the stage time', timeoutMs: 20_000 },
      );
      const dueAt = start.getTime() - MINUTE;
      expect(due.payload.dueAt).toBe(new Date(dueAt).toISOString());
      const lead = dueAt - Date.parse(due.payload.firedAt);
      // Fired at its stage time (some slack for a loaded machine), never before it.
      expect(lead).toBeGreaterThan(45_000);
      expect(lead).toBeLessThanOrEqual(50_000);
      expect(due.payload.late).toBe(false);

      const listThere = () => staging.rpc.request<ReminderView[]>('reminder-scheduler', REMINDER_REQUEST.listReminders, { id: eventId });
      await eventually(listThere, ([row]) => row?.status === 'fired', { what: 'the reminder fired (staged)' });
      await publishThere(DOMAIN_EVENT.EventCancelled, eventId, { ...statusPayload(eventId, start, 1), bookingStatus: 'cancelled' });
      const [cancelled] = await eventually(listThere, ([row]) => row?.status === 'cancelled', { what: 'the staged reminder cancelled' });
      expect(cancelled.reason).toMatch(/cancelled/);
    } finally {
      await stagedBroker.close();
      await staging.stop();
      await ReminderService.cleanUp(staging.environment);
    }
  });
});
