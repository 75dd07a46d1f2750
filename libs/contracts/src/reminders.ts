import { IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/**
 * Reminders and timers (the reminders issue). reminder-scheduler owns the schedule: one
 * scheduled reminder per fixed reminder trigger of the event's template, kept in its own
 * PostgreSQL schema (the source of truth) and mirrored as BullMQ delayed jobs in Redis.
 */

/** A fixed reminder trigger as the template had it when the event was booked or invited. */
export interface ReminderTriggerRef {
  /** The reminder config to send (`type: 'reminder'`). */
  configKey: string;
  /** How long before the start, in minutes (absolute time: 24 h before is 1,440 minutes before, across DST). */
  offsetMinutes: number;
}

/** Where a scheduled reminder stands. */
export const REMINDER_STATUSES = ['scheduled', 'fired', 'cancelled', 'skipped', 'missed'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** One scheduled reminder as staff and ops see it (`GET /api/events/:id/reminders`). */
export interface ReminderView {
  id: string;
  eventId: string;
  configKey: string;
  offsetMinutes: number;
  /** The event start this reminder was computed from, and its version. */
  start: string;
  startVersion: number;
  /** When it fires (start minus offset, absolute time). */
  dueAt: string;
  status: ReminderStatus;
  /** Why it is skipped / missed / cancelled, in words; null while scheduled or once fired. */
  reason: string | null;
  /** When it fired (ReminderDue published), null before. */
  firedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A reminder is due: published by reminder-scheduler (from its outbox, in the same
 * transaction that marks the reminder fired). scheduling checks it against the event's
 * current start version and status and sends the trigger's config as a `reminder`
 * notification, passing `dedupeKey` on to notification-dispatch, which refuses a second
 * send for the same key.
 */
export interface ReminderDuePayload {
  reminderId: string;
  eventId: string;
  configKey: string;
  offsetMinutes: number;
  /** The start version the reminder was computed from; a different current version means stale. */
  startVersion: number;
  dueAt: string;
  firedAt: string;
  /** `reminder:<reminderId>:<startVersion>`: one send per reminder and start, whatever is redelivered. */
  dedupeKey: string;
  /** Fired after its due time because the system was down (sent on recovery; the event has not started). */
  late: boolean;
}

/**
 * The generic timer: "publish this at time T unless cancelled". A timer is keyed by a
 * caller-chosen `key` (starting a timer with a key that is already running replaces it);
 * at `fireAt` reminder-scheduler publishes `TimerFired` with the caller's `kind` and `data`.
 */
export class StartTimerCommand {
  @IsString() @IsNotEmpty() @MaxLength(200) key: string;
  /** What the timer is for (`no_response`...): consumers route on it. */
  @IsString() @IsNotEmpty() @MaxLength(100) kind: string;
  @IsISO8601({ strict: true }) fireAt: string;
  @IsOptional() @IsUUID() eventId?: string;
  @IsOptional() @IsObject() data?: Record<string, unknown>;
}

export class CancelTimerCommand {
  @IsString() @IsNotEmpty() @MaxLength(200) key: string;
}

export interface TimerFiredPayload {
  key: string;
  kind: string;
  eventId: string | null;
  fireAt: string;
  firedAt: string;
  data: Record<string, unknown>;
}

/** Payload of `EventRescheduled`: the start or end moved (published with `FieldsChanged`). */
export interface EventRescheduledPayload {
  eventId: string;
  previousStart: string;
  previousEnd: string;
  start: string;
  end: string;
  timeZone: string;
  startVersion: number;
}

/**
 * Every BullMQ queue of the system (all under `REDIS_PREFIX`). reminder-scheduler owns them;
 * the gateway's ops dashboard (`/ops/queues`) shows each one.
 */
export const BULLMQ_QUEUE = {
  /** Reminders and timers as delayed jobs. */
  reminders: 'reminders',
} as const;
export type BullmqQueueName = (typeof BULLMQ_QUEUE)[keyof typeof BULLMQ_QUEUE];
