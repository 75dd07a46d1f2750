import {
  decideBooking,
  decideCancellation,
  decideFiring,
  decideStartMove,
  decideTimerFiring,
  planReminder,
  reminderDedupeKey,
  reminderDueAt,
  parseReminderJobId,
  reminderJobId,
  ReminderScheduleStatus,
  timerJobId,
} from './reminder-schedule';

/** The wall-clock time of an instant in a zone, `YYYY-MM-DD HH:mm` (to read DST cases as people do). */
function localTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

describe('reminderDueAt: the start minus the offset, in absolute time', () => {
  // prettier-ignore
  const CASES: { what: string; start: string; offsetMinutes: number; dueAt: string; zone: string; localDue: string }[] = [
    { what: '15 minutes before',                         start: '2026-06-01T14:00:00.000Z', offsetMinutes: 15,   dueAt: '2026-06-01T13:45:00.000Z', zone: 'UTC',              localDue: '2026-06-01 13:45' },
    { what: 'no offset: due at the start',               start: '2026-06-01T14:00:00.000Z', offsetMinutes: 0,    dueAt: '2026-06-01T14:00:00.000Z', zone: 'UTC',              localDue: '2026-06-01 14:00' },
    { what: 'a week before, across a month end',          start: '2026-07-03T09:00:00.000Z', offsetMinutes: 10080, dueAt: '2026-06-26T09:00:00.000Z', zone: 'UTC',             localDue: '2026-06-26 09:00' },
    // 2027-03-14 is the spring change in New York (02:00 EST → 03:00 EDT).
    { what: '24 h before 09:00 EDT on the day of the spring change: 08:00 EST the day before', start: '2027-03-14T13:00:00.000Z', offsetMinutes: 1440, dueAt: '2027-03-13T13:00:00.000Z', zone: 'America/New_York', localDue: '2027-03-13 08:00' },
    { what: '24 h before 09:00 EDT the day after the spring change: 09:00 EDT',                start: '2027-03-15T13:00:00.000Z', offsetMinutes: 1440, dueAt: '2027-03-14T13:00:00.000Z', zone: 'America/New_York', localDue: '2027-03-14 09:00' },
    { what: '1 h before 03:30 EDT just after the jump: 01:30 EST (there is no 02:30)',        start: '2027-03-14T07:30:00.000Z', offsetMinutes: 60,   dueAt: '2027-03-14T06:30:00.000Z', zone: 'America/New_York', localDue: '2027-03-14 01:30' },
    // 2027-11-07 is the autumn change (02:00 EDT → 01:00 EST).
    { what: '24 h before 09:00 EST on the day of the autumn change: 10:00 EDT the day before', start: '2027-11-07T14:00:00.000Z', offsetMinutes: 1440, dueAt: '2027-11-06T14:00:00.000Z', zone: 'America/New_York', localDue: '2027-11-06 10:00' },
    { what: '1 h before 01:30 EST (the second 01:30): 01:30 EDT (the first)',                   start: '2027-11-07T06:30:00.000Z', offsetMinutes: 60,   dueAt: '2027-11-07T05:30:00.000Z', zone: 'America/New_York', localDue: '2027-11-07 01:30' },
    // Europe changes on its own day (2027-03-28, 02:00 CET → 03:00 CEST).
    { what: '24 h before 09:00 CEST the day of the European change: 08:00 CET',               start: '2027-03-28T07:00:00.000Z', offsetMinutes: 1440, dueAt: '2027-03-27T07:00:00.000Z', zone: 'Europe/Berlin',    localDue: '2027-03-27 08:00' },
  ];

  it.each(CASES)('$what', ({ start, offsetMinutes, dueAt, zone, localDue }) => {
    const due = reminderDueAt(start, offsetMinutes);
    expect(due.toISOString()).toBe(dueAt);
    expect(start.endsWith('Z') && localTime(due, zone)).toBe(localDue);
    expect(reminderDueAt(new Date(start), offsetMinutes).toISOString()).toBe(dueAt);
  });

  it('reads the start with its offset as given, not in the process time zone', () => {
    expect(reminderDueAt('2027-03-14T09:00:00-04:00', 1440).toISOString()).toBe('2027-03-13T13:00:00.000Z');
  });
});

describe('planReminder: a reminder already due when it is scheduled is skipped', () => {
  const start = '2026-06-01T14:00:00.000Z';
  // prettier-ignore
  const CASES: { what: string; now: string; offsetMinutes: number; status: 'scheduled' | 'skipped' }[] = [
    { what: 'due in the future',               now: '2026-06-01T13:00:00.000Z', offsetMinutes: 15,   status: 'scheduled' },
    { what: 'due one millisecond from now',    now: '2026-06-01T13:44:59.999Z', offsetMinutes: 15,   status: 'scheduled' },
    { what: 'due exactly now',                 now: '2026-06-01T13:45:00.000Z', offsetMinutes: 15,   status: 'skipped' },
    { what: 'due in the past',                 now: '2026-06-01T13:50:00.000Z', offsetMinutes: 15,   status: 'skipped' },
    { what: 'the event already started',       now: '2026-06-01T15:00:00.000Z', offsetMinutes: 15,   status: 'skipped' },
  ];

  it.each(CASES)('$what → $status', ({ now, offsetMinutes, status }) => {
    const plan = planReminder(start, offsetMinutes, new Date(now));
    expect(plan.status).toBe(status);
    expect(plan.dueAt.toISOString()).toBe('2026-06-01T13:45:00.000Z');
    if (status === 'skipped') expect(plan.reason).toMatch(/already past/);
    else expect(plan.reason).toBeNull();
  });
});

describe('decideBooking: a booking (re)schedules a trigger only when it is new, newer, or after a cancellation', () => {
  const now = new Date('2026-06-01T10:00:00.000Z');
  const start = '2026-06-01T14:00:00.000Z';
  const cancelledAt = new Date('2026-06-01T09:00:00.000Z');
  const before = new Date('2026-06-01T08:00:00.000Z');
  const after = new Date('2026-06-01T09:30:00.000Z');
  type Row = { status: ReminderScheduleStatus; startVersion: number } | null;
  // prettier-ignore
  const CASES: { row: Row; version: number; occurredAt: Date; offset: number; expected: 'schedule' | 'skip' | 'keep' }[] = [
    // row before                               booking version  occurred  offset  →
    { row: null,                                 version: 1, occurredAt: after,  offset: 15,  expected: 'schedule' },
    { row: null,                                 version: 1, occurredAt: after,  offset: 600, expected: 'skip' },      // due 04:00, past
    { row: { status: 'scheduled', startVersion: 1 }, version: 1, occurredAt: after, offset: 15, expected: 'keep' },     // a second booking (RSVP after confirmation)
    { row: { status: 'fired',     startVersion: 1 }, version: 1, occurredAt: after, offset: 15, expected: 'keep' },     // fired for this start: never again
    { row: { status: 'missed',    startVersion: 1 }, version: 1, occurredAt: after, offset: 15, expected: 'keep' },
    { row: { status: 'skipped',   startVersion: 1 }, version: 1, occurredAt: after, offset: 15, expected: 'keep' },
    { row: { status: 'cancelled', startVersion: 1 }, version: 1, occurredAt: after, offset: 15, expected: 'schedule' }, // booked again after the cancellation
    { row: { status: 'cancelled', startVersion: 1 }, version: 1, occurredAt: before, offset: 15, expected: 'keep' },    // a late copy of the first booking
    { row: { status: 'fired',     startVersion: 1 }, version: 2, occurredAt: after, offset: 15, expected: 'schedule' }, // a newer start
    { row: { status: 'cancelled', startVersion: 1 }, version: 2, occurredAt: after, offset: 15, expected: 'schedule' },
    { row: { status: 'scheduled', startVersion: 3 }, version: 2, occurredAt: after, offset: 15, expected: 'keep' },     // an older start: out of order
    { row: { status: 'cancelled', startVersion: 3 }, version: 2, occurredAt: after, offset: 15, expected: 'keep' },
  ];

  const NAMED = CASES.map((c) => ({
    ...c,
    before: c.row ? `${c.row.status} v${c.row.startVersion}` : 'no row',
    when: c.occurredAt === before ? 'before the cancellation' : 'later',
  }));
  it.each(NAMED)('$before + booking v$version ($when, offset $offset) → $expected', ({ row, version, occurredAt, offset, expected }) => {
    const decision = decideBooking(
      row && { ...row, statusChangedAt: cancelledAt },
      { start, startVersion: version, offsetMinutes: offset, occurredAt },
      now,
    );
    if (expected === 'keep') expect(decision.action).toBe('keep');
    else expect(decision).toMatchObject({ action: 'schedule', status: expected === 'schedule' ? 'scheduled' : 'skipped' });
  });
});

describe('decideCancellation: a cancellation cancels pending reminders set before it', () => {
  const setAt = new Date('2026-06-01T09:00:00.000Z');
  const dueAt = new Date('2026-06-01T10:00:00.000Z');
  // prettier-ignore
  const CASES: { status: ReminderScheduleStatus; occurredAt: string; cancel: boolean; why?: string }[] = [
    { status: 'scheduled', occurredAt: '2026-06-01T09:30:00.000Z', cancel: true },
    { status: 'scheduled', occurredAt: '2026-06-01T09:00:00.000Z', cancel: true },
    { status: 'scheduled', occurredAt: '2026-06-01T08:00:00.000Z', cancel: false, why: 'booked again after this cancellation' },
    { status: 'fired',     occurredAt: '2026-06-01T09:30:00.000Z', cancel: true,  why: 'staged, not yet due: its copy is withdrawn at release' },
    { status: 'fired',     occurredAt: '2026-06-01T10:00:00.000Z', cancel: false, why: 'due when cancelled: sent, history stays' },
    { status: 'fired',     occurredAt: '2026-06-01T11:00:00.000Z', cancel: false, why: 'sent, history stays' },
    { status: 'fired',     occurredAt: '2026-06-01T08:00:00.000Z', cancel: false, why: 'staged after this cancellation' },
    { status: 'missed',    occurredAt: '2026-06-01T09:30:00.000Z', cancel: false },
    { status: 'skipped',   occurredAt: '2026-06-01T09:30:00.000Z', cancel: false },
    { status: 'cancelled', occurredAt: '2026-06-01T09:30:00.000Z', cancel: false },
  ];
  it.each(CASES)('$status, cancelled at $occurredAt → cancel: $cancel', ({ status, occurredAt, cancel }) => {
    expect(decideCancellation({ status, statusChangedAt: setAt, dueAt }, new Date(occurredAt))).toEqual({ cancel });
  });
});

describe('decideStartMove: a newer start version recomputes, an older or equal one is ignored', () => {
  const now = new Date('2026-06-01T10:00:00.000Z');
  const newStart = '2026-06-02T14:00:00.000Z';
  // prettier-ignore
  const CASES: { status: ReminderScheduleStatus; rowVersion: number; moveVersion: number; start: string; expected: 'ignore' | ReminderScheduleStatus }[] = [
    { status: 'scheduled', rowVersion: 1, moveVersion: 2, start: newStart,                   expected: 'scheduled' },
    { status: 'fired',     rowVersion: 1, moveVersion: 2, start: newStart,                   expected: 'scheduled' }, // fired for the old start: the new one gets its reminder
    { status: 'missed',    rowVersion: 1, moveVersion: 2, start: newStart,                   expected: 'scheduled' },
    { status: 'skipped',   rowVersion: 1, moveVersion: 2, start: newStart,                   expected: 'scheduled' },
    { status: 'cancelled', rowVersion: 1, moveVersion: 2, start: newStart,                   expected: 'cancelled' }, // stays cancelled
    { status: 'scheduled', rowVersion: 1, moveVersion: 2, start: '2026-06-01T10:10:00.000Z', expected: 'skipped' },   // moved so close that the reminder is past
    { status: 'scheduled', rowVersion: 2, moveVersion: 2, start: newStart,                   expected: 'ignore' },    // the FieldsChanged twin of an EventRescheduled
    { status: 'scheduled', rowVersion: 3, moveVersion: 2, start: newStart,                   expected: 'ignore' },    // out of order
    { status: 'fired',     rowVersion: 2, moveVersion: 1, start: newStart,                   expected: 'ignore' },
  ];

  it.each(CASES)('$status v$rowVersion, moved to v$moveVersion → $expected', ({ status, rowVersion, moveVersion, start, expected }) => {
    const decision = decideStartMove({ status, startVersion: rowVersion }, { start, startVersion: moveVersion, offsetMinutes: 15 }, now);
    if (expected === 'ignore') return expect(decision.action).toBe('ignore');
    expect(decision).toMatchObject({ action: 'recompute', status: expected });
    if (decision.action === 'recompute') expect(decision.dueAt.toISOString()).toBe(reminderDueAt(start, 15).toISOString());
  });
});

describe("decideFiring: only a scheduled reminder for the job's start fires, before the event starts", () => {
  const start = new Date('2026-06-01T14:00:00.000Z');
  const dueAt = new Date('2026-06-01T13:45:00.000Z');
  const at = (iso: string) => new Date(iso);
  // prettier-ignore
  const CASES: { what: string; status: ReminderScheduleStatus | null; rowVersion: number; jobVersion: number; now: Date; expected: string }[] = [
    { what: 'on time',                                   status: 'scheduled', rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:45:00.200Z'), expected: 'send' },
    { what: 'a minute late: still on time',              status: 'scheduled', rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:46:00.000Z'), expected: 'send' },
    { what: 'more than the threshold late (recovery)',   status: 'scheduled', rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:46:00.001Z'), expected: 'send late' },
    { what: 'a millisecond before the start',            status: 'scheduled', rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:59:59.999Z'), expected: 'send late' },
    { what: 'at the start',                              status: 'scheduled', rowVersion: 2, jobVersion: 2, now: start,                          expected: 'missed' },
    { what: 'after the start',                           status: 'scheduled', rowVersion: 2, jobVersion: 2, now: at('2026-06-01T15:00:00.000Z'), expected: 'missed' },
    { what: 'a job for an older start',                  status: 'scheduled', rowVersion: 2, jobVersion: 1, now: at('2026-06-01T13:45:00.000Z'), expected: 'stale' },
    { what: 'a job for a newer start than the row',      status: 'scheduled', rowVersion: 2, jobVersion: 3, now: at('2026-06-01T13:45:00.000Z'), expected: 'stale' },
    { what: 'already fired (another process, a re-add)', status: 'fired',     rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:45:00.000Z'), expected: 'not_scheduled' },
    { what: 'cancelled',                                 status: 'cancelled', rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:45:00.000Z'), expected: 'not_scheduled' },
    { what: 'skipped',                                   status: 'skipped',   rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:45:00.000Z'), expected: 'not_scheduled' },
    { what: 'missed',                                    status: 'missed',    rowVersion: 2, jobVersion: 2, now: at('2026-06-01T15:00:00.000Z'), expected: 'not_scheduled' },
    { what: 'no such reminder',                          status: null,        rowVersion: 2, jobVersion: 2, now: at('2026-06-01T13:45:00.000Z'), expected: 'not_scheduled' },
  ];

  it.each(CASES)('$what → $expected', ({ status, rowVersion, jobVersion, now, expected }) => {
    const decision = decideFiring(status && { status, startVersion: rowVersion, start, dueAt }, jobVersion, now, 60_000);
    const summary =
      decision.outcome === 'send' ? (decision.late ? 'send late' : 'send') : decision.outcome === 'missed' ? 'missed' : decision.why;
    expect(summary).toBe(expected);
    if (decision.outcome === 'missed') expect(decision.reason).toMatch(/at or after the event start/);
  });
});

describe('decideTimerFiring: a timer fires once, for its current run, unless cancelled', () => {
  // prettier-ignore
  const CASES: { status: 'scheduled' | 'fired' | 'cancelled' | null; runId: string; expected: string }[] = [
    { status: 'scheduled', runId: 'run-2', expected: 'fire' },
    { status: 'scheduled', runId: 'run-1', expected: 'stale' },          // restarted since
    { status: 'fired',     runId: 'run-2', expected: 'not_scheduled' },
    { status: 'cancelled', runId: 'run-2', expected: 'not_scheduled' },
    { status: null,        runId: 'run-2', expected: 'not_scheduled' },
  ];
  it.each(CASES)('$status, job of $runId → $expected', ({ status, runId, expected }) => {
    const decision = decideTimerFiring(status && { status, runId: 'run-2' }, runId);
    expect(decision.fire ? 'fire' : decision.why).toBe(expected);
  });
});

describe('job ids and dedupe keys', () => {
  const reminderId = '3f1c2a4e-0b7d-4c55-9a21-6d2e8f9b1c30';

  it('gives one job id per reminder and start version, which BullMQ accepts as a custom id', () => {
    const ids = [reminderJobId(reminderId, 1), reminderJobId(reminderId, 2), timerJobId(reminderId)];
    expect(new Set(ids).size).toBe(3);
    expect(reminderJobId(reminderId, 1)).toBe(reminderJobId(reminderId, 1));
    for (const id of ids) {
      expect(id).not.toContain(':'); // BullMQ 5: "Custom Id cannot contain :"
      expect(`${parseInt(id, 10)}`).not.toBe(id); // BullMQ 5: "Custom Id cannot be integers"
    }
  });

  it.each([
    [reminderJobId(reminderId, 1), { reminderId, startVersion: 1 }],
    [reminderJobId(reminderId, 12), { reminderId, startVersion: 12 }],
    [`reminder-${reminderId.toUpperCase()}-v3`, { reminderId: reminderId.toUpperCase(), startVersion: 3 }],
    [timerJobId(reminderId), null],
    [`reminder-${reminderId}-v0`, null],
    [`reminder-${reminderId}-v`, null],
    [`reminder-${reminderId}-v1x`, null],
    [`reminder-${reminderId.slice(1)}-v1`, null],
    [`xreminder-${reminderId}-v1`, null],
    ['', null],
    [undefined, null],
  ])('reads the reminder and start version back from job id %s', (jobId, expected) => {
    expect(parseReminderJobId(jobId)).toEqual(expected);
  });

  it('gives the dedupe key the contract names', () => {
    expect(reminderDedupeKey(reminderId, 3)).toBe(`reminder:${reminderId}:3`);
  });
});
