import { CHANNEL_SKIP_REASONS, CHANNELS, Channel, ChannelSkipReason } from '@appointments/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

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
  /**
   * When it fired (ReminderDue published): handed over to be sent, which stages it up to
   * `REMINDER_STAGE_AHEAD_SECONDS` before `dueAt`; the send itself is at `dueAt` (the console row).
   * Null before.
   */
  firedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A reminder is to be staged: published by reminder-scheduler (from its outbox, in the same
 * transaction that marks the reminder fired) `REMINDER_STAGE_AHEAD_SECONDS` before `dueAt`, or
 * at once when that is past. scheduling checks it against the event's current start version and
 * status and requests the trigger's config as a `reminder` notification to be sent at `dueAt`,
 * passing `dedupeKey` on to notification-dispatch, which refuses a second send for the same key.
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

/**
 * A reminder send as it travels from its staging to its release: in `NotificationRequested`
 * (scheduling → notification-dispatch), kept on the console rows while they are staged, checked
 * at release (`SCHEDULING_REQUEST.checkReminderReleases`, where scheduling applies what the
 * reminder does to the event as it lets it go), and in `NotificationSent` (for the record).
 */
export interface ReminderSendRef {
  reminderId: string;
  configKey: string;
  /** How long before the start it is due, in minutes. */
  offsetMinutes: number;
  /** The start version it was computed from: another one at release means stale. */
  startVersion: number;
  dueAt: string;
  /** Staged after its due time because the system was down (sent on recovery, before the start). */
  late: boolean;
  /** The event's version and the time when this copy was prepared: a later write re-stages it. */
  eventVersion: number;
  stagedAt: string;
  /** The channels the request uses and those it skipped (the chatter line once it is let go). */
  channels: { channel: Channel; address: string }[];
  skipped: { channel: Channel; reason: ChannelSkipReason; message: string }[];
}

/**
 * A staged reminder was not sent because its event had started by its release (the system was
 * down at its due time): published by scheduling from the release check; reminder-scheduler marks
 * the reminder `missed` with the reason, as it does for one missed at its firing.
 */
export interface ReminderMissedPayload {
  reminderId: string;
  eventId: string;
  startVersion: number;
  dueAt: string;
  reason: string;
}

/** The most staged reminders one release check may ask about. */
export const MAX_RELEASE_CHECK = 1000;

export class StagedChannelDto {
  @IsIn(CHANNELS) channel: Channel;
  @IsString() @IsNotEmpty() @MaxLength(254) address: string;
}

export class StagedSkipDto {
  @IsIn(CHANNELS) channel: Channel;
  @IsIn(CHANNEL_SKIP_REASONS) reason: ChannelSkipReason;
  @IsString() @MaxLength(500) message: string;
}

/** A `ReminderSendRef` as the release check takes it (it decides on it, and writes the chatter line of those it lets go). */
export class StagedReminderRefDto {
  @IsUUID() reminderId: string;
  @IsString() @IsNotEmpty() @MaxLength(100) configKey: string;
  @IsInt() @Min(0) offsetMinutes: number;
  @IsInt() @Min(0) startVersion: number;
  @IsISO8601({ strict: true }) dueAt: string;
  @IsBoolean() late: boolean;
  @IsInt() @Min(0) eventVersion: number;
  @IsISO8601({ strict: true }) stagedAt: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2) @ValidateNested({ each: true }) @Type(() => StagedChannelDto) channels: StagedChannelDto[];
  @IsArray() @ArrayMaxSize(2) @ValidateNested({ each: true }) @Type(() => StagedSkipDto) skipped: StagedSkipDto[];
}

export class StagedReminderDto {
  /** The request the staged rows belong to (one per reminder; one row per channel). */
  @IsUUID() requestId: string;
  @IsUUID() eventId: string;
  @IsString() @IsNotEmpty() @MaxLength(300) dedupeKey: string;
  @ValidateNested() @Type(() => StagedReminderRefDto) reminder: StagedReminderRefDto;
}

/** `SCHEDULING_REQUEST.checkReminderReleases`: may these staged reminders go now? */
export class ReminderReleaseCheck {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RELEASE_CHECK)
  @ValidateNested({ each: true })
  @Type(() => StagedReminderDto)
  reminders: StagedReminderDto[];
}

/**
 * The answer for one staged reminder, in the order asked: `send` the staged copy (scheduling has
 * applied its effects: status, chatter, `ReminderSent`), or withdraw it: `stale` (the start moved), `missed` (the event has started), `refused` (the state machine
 * or the config refuse it now), `restaged` (scheduling prepared it again from the current state
 * and it is on its way as a new request with the same dedupe key, to be sent at once).
 */
export type ReminderReleaseVerdict =
  { requestId: string; verdict: 'send' } | { requestId: string; verdict: 'stale' | 'missed' | 'refused' | 'restaged'; reason: string };
