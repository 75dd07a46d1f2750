/**
 * The reminder schedule's rules (the reminders issue), as plain decisions over values:
 *
 * - a reminder is due `offsetMinutes` before the event start in **absolute time** (24 h before
 *   is 1,440 minutes before, whatever a daylight-saving change does to the wall clock);
 * - at schedule time a reminder whose due time has passed is `skipped`, with a reason;
 * - a booking (`EventBooked`, `RsvpRequested`) schedules a reminder afresh when it is new, when
 *   the start version is newer than the row's, or when the row was cancelled by an earlier
 *   fact; a reminder already fired (or missed, skipped) for the same start stays as it is;
 * - a move of the start (`FieldsChanged`, `EventRescheduled`) recomputes reminders computed from
 *   an older start version; older or equal versions are ignored; cancelled reminders stay cancelled;
 * - at fire time only a `scheduled` row whose start version is the job's fires: before the event
 *   start it is sent (`late` past a threshold after its due time), at or after the start it is `missed`;
 * - the BullMQ job id is derived from the reminder (one per event and trigger) and the start version,
 *   so adding the same job twice is harmless and a job for an old start can never match the row.
 *
 * No I/O, no framework: reminder-scheduler calls these at its edges.
 */
/** Where a scheduled reminder stands (the same words as `REMINDER_STATUSES` in the contracts). */
export type ReminderScheduleStatus = 'scheduled' | 'fired' | 'cancelled' | 'skipped' | 'missed';

const MINUTE_MS = 60_000;

/** The due time of a reminder: the start minus the offset, in absolute time. */
export function reminderDueAt(start: Date | string, offsetMinutes: number): Date {
  const startMs = typeof start === 'string' ? Date.parse(start) : start.getTime();
  return new Date(startMs - offsetMinutes * MINUTE_MS);
}

/** What a trigger becomes when it is (re)scheduled at `now`. */
export interface ReminderPlan {
  dueAt: Date;
  status: Extract<ReminderScheduleStatus, 'scheduled' | 'skipped'>;
  reason: string | null;
}

/** A reminder whose due time is at or before `now` is skipped (and logged), never sent late. */
export function planReminder(start: Date | string, offsetMinutes: number, now: Date): ReminderPlan {
  const dueAt = reminderDueAt(start, offsetMinutes);
  if (dueAt.getTime() <= now.getTime()) {
    return { dueAt, status: 'skipped', reason: `due at ${dueAt.toISOString()}, already past when scheduled at ${now.toISOString()}` };
  }
  return { dueAt, status: 'scheduled', reason: null };
}

/** The parts of a stored reminder that the rules read. */
export interface ReminderState {
  status: ReminderScheduleStatus;
  startVersion: number;
  /** When the fact that last set the status happened (the message's `occurredAt`). */
  statusChangedAt: Date;
}

/** A booking or RSVP request that carries the trigger. */
export interface ReminderBooking {
  start: string;
  startVersion: number;
  offsetMinutes: number;
  occurredAt: Date;
}

export type ReminderBookingDecision = { action: 'keep'; why: string } | ({ action: 'schedule' } & ReminderPlan);

/**
 * A booking for a trigger: a new row is planned; a row for an older start version, or one
 * cancelled before this booking happened, is planned again; otherwise the row stays (a reminder
 * fired for this start is not sent again because the event is booked again).
 */
export function decideBooking(row: ReminderState | null, booking: ReminderBooking, now: Date): ReminderBookingDecision {
  const plan = () => ({ action: 'schedule' as const, ...planReminder(booking.start, booking.offsetMinutes, now) });
  if (!row) return plan();
  if (booking.startVersion > row.startVersion) return plan();
  if (booking.startVersion < row.startVersion) return { action: 'keep', why: 'the booking is older than the start the reminder has' };
  if (row.status === 'cancelled') {
    return booking.occurredAt.getTime() > row.statusChangedAt.getTime()
      ? plan()
      : { action: 'keep', why: 'the booking happened before the cancellation' };
  }
  return { action: 'keep', why: `already ${row.status} for this start` };
}

/**
 * The event is cancelled: a scheduled reminder is cancelled, and so is one fired (staged) but not
 * yet due when the cancellation happened (its staged copy is withdrawn at release, refused by the
 * state machine), unless the row was set by a fact that happened after the cancellation (a late
 * copy of an old cancellation after a new booking).
 */
export function decideCancellation(
  row: Pick<ReminderState, 'status' | 'statusChangedAt'> & { dueAt: Date },
  occurredAt: Date,
): { cancel: boolean } {
  const pending = row.status === 'scheduled' || (row.status === 'fired' && row.dueAt.getTime() > occurredAt.getTime());
  return { cancel: pending && occurredAt.getTime() >= row.statusChangedAt.getTime() };
}

/** The start moved. */
export interface StartMove {
  start: string;
  startVersion: number;
  offsetMinutes: number;
}

export type StartMoveDecision =
  | { action: 'ignore'; why: string }
  | {
      action: 'recompute';
      dueAt: Date;
      status: Extract<ReminderScheduleStatus, 'scheduled' | 'skipped' | 'cancelled'>;
      reason: string | null;
    };

/**
 * A newer start version recomputes the due time; a reminder that was scheduled, fired, missed
 * or skipped for the old start is scheduled again for the new one (or skipped if already past);
 * a cancelled one keeps its status (its start and due time follow, for the record).
 */
export function decideStartMove(row: Pick<ReminderState, 'status' | 'startVersion'>, move: StartMove, now: Date): StartMoveDecision {
  if (move.startVersion <= row.startVersion)
    return { action: 'ignore', why: `start version ${move.startVersion} is not newer than ${row.startVersion}` };
  const plan = planReminder(move.start, move.offsetMinutes, now);
  if (row.status === 'cancelled') return { action: 'recompute', dueAt: plan.dueAt, status: 'cancelled', reason: null };
  return { action: 'recompute', ...plan };
}

/** A stored reminder at fire time. */
export interface FiringReminder {
  status: ReminderScheduleStatus;
  startVersion: number;
  start: Date;
  dueAt: Date;
}

export type FiringDecision =
  { outcome: 'none'; why: 'not_scheduled' | 'stale' } | { outcome: 'send'; late: boolean } | { outcome: 'missed'; reason: string };

/** How late a reminder may fire and still count as on time (then `late: false`). */
export const DEFAULT_LATE_THRESHOLD_MS = 60_000;

/**
 * The job fires: nothing unless the row is scheduled for the job's start version; otherwise
 * sent while the event has not started (late past the threshold), or missed once it has.
 */
export function decideFiring(
  row: FiringReminder | null,
  jobStartVersion: number,
  now: Date,
  lateThresholdMs = DEFAULT_LATE_THRESHOLD_MS,
): FiringDecision {
  if (!row || row.status !== 'scheduled') return { outcome: 'none', why: 'not_scheduled' };
  if (row.startVersion !== jobStartVersion) return { outcome: 'none', why: 'stale' };
  if (now.getTime() >= row.start.getTime()) {
    return {
      outcome: 'missed',
      reason: `fired at ${now.toISOString()}, at or after the event start ${row.start.toISOString()} (due ${row.dueAt.toISOString()})`,
    };
  }
  return { outcome: 'send', late: now.getTime() - row.dueAt.getTime() > lateThresholdMs };
}

/** A stored timer at fire time. */
export interface FiringTimer {
  status: 'scheduled' | 'fired' | 'cancelled';
  runId: string;
}

/** A timer fires when it is still scheduled and the job is its current run (a restart replaces the run). */
export function decideTimerFiring(
  row: FiringTimer | null,
  jobRunId: string,
): { fire: true } | { fire: false; why: 'not_scheduled' | 'stale' } {
  if (!row || row.status !== 'scheduled') return { fire: false, why: 'not_scheduled' };
  if (row.runId !== jobRunId) return { fire: false, why: 'stale' };
  return { fire: true };
}

/**
 * BullMQ job id of a reminder. `reminderId` names one (event, trigger) (unique in the schedule),
 * so the id is one per (event, trigger, start version). BullMQ 5 refuses custom ids that parse
 * as integers and ids with `:` (unless split in exactly three parts, a legacy of repeatable
 * jobs), so the parts are joined with `-`.
 */
export function reminderJobId(reminderId: string, startVersion: number): string {
  return `reminder-${reminderId}-v${startVersion}`;
}

const REMINDER_JOB_ID = /^reminder-([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})-v([1-9][0-9]{0,8})$/;

/** Which reminder a reminder job is for, and for which start: all its id says, and all it carries. */
export interface ReminderJobRef {
  reminderId: string;
  startVersion: number;
}

/**
 * The reminder and start version a reminder job id names (`reminderJobId`'s inverse), or null for
 * any other id. A reminder job carries nothing else: its id says which reminder for which start,
 * so the job's data stays empty and a pending reminder costs Redis about 60 bytes less.
 */
export function parseReminderJobId(jobId: string | undefined): ReminderJobRef | null {
  const match = jobId === undefined ? null : REMINDER_JOB_ID.exec(jobId);
  return match ? { reminderId: match[1], startVersion: Number(match[2]) } : null;
}

/** BullMQ job id of a timer run (each start of a timer key is a new run). */
export function timerJobId(runId: string): string {
  return `timer-${runId}`;
}

/** The key notification-dispatch de-duplicates on: one send per reminder and start. */
export function reminderDedupeKey(reminderId: string, startVersion: number): string {
  return `reminder:${reminderId}:${startVersion}`;
}
