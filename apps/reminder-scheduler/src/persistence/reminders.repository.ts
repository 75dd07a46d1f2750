import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ReminderView } from '@appointments/contracts';
import type { ReminderScheduleStatus } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';

/** A reminder as the schedule and the firing read and write it: one trigger of one event. */
export interface ReminderRow {
  id: string;
  eventId: string;
  configKey: string;
  offsetMinutes: number;
  start: Date;
  startVersion: number;
  dueAt: Date;
  status: ReminderScheduleStatus;
  reason: string | null;
  firedAt: Date | null;
  statusChangedAt: Date;
}

const REMINDERS_TABLE = { schema: 'reminder_scheduler', name: 'reminders' };
const COLUMNS = `id, event_id, config_key, offset_minutes, event_start, start_version, due_at, status, reason, fired_at, status_changed_at`;

interface RawRow {
  id: string;
  event_id: string;
  config_key: string;
  offset_minutes: number;
  event_start: Date;
  start_version: number;
  due_at: Date;
  status: ReminderScheduleStatus;
  reason: string | null;
  fired_at: Date | null;
  status_changed_at: Date;
  created_at?: Date;
  updated_at?: Date;
}

function fromRaw(raw: RawRow): ReminderRow {
  return {
    id: raw.id,
    eventId: raw.event_id,
    configKey: raw.config_key,
    offsetMinutes: raw.offset_minutes,
    start: raw.event_start,
    startVersion: raw.start_version,
    dueAt: raw.due_at,
    status: raw.status,
    reason: raw.reason,
    firedAt: raw.fired_at,
    statusChangedAt: raw.status_changed_at,
  };
}

/** The key of one trigger of one event. */
export const triggerKey = (eventId: string, configKey: string, offsetMinutes: number) =>
  `${eventId}\u0000${configKey}\u0000${offsetMinutes}`;

/**
 * Every statement about `reminder_scheduler.reminders`, set-based: a batch of messages or due
 * jobs costs one statement per kind of access, whatever its size. Plain SQL rather than
 * entities because every access here is a set (the hot paths of the schedule and the firing).
 * The methods given an `EntityManager` run in the caller's transaction.
 */
@Injectable()
export class RemindersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every reminder of these events, locked (in id order, so two batches cannot deadlock). */
  async lockByEvents(manager: EntityManager, eventIds: readonly string[]): Promise<ReminderRow[]> {
    if (eventIds.length === 0) return [];
    const raw: RawRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM reminder_scheduler.reminders WHERE event_id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(eventIds)]],
    );
    return raw.map(fromRaw);
  }

  /** These reminders, locked in id order (the firing's check-and-set). */
  async lockByIds(manager: EntityManager, ids: readonly string[]): Promise<ReminderRow[]> {
    if (ids.length === 0) return [];
    const raw: RawRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM reminder_scheduler.reminders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(ids)]],
    );
    return raw.map(fromRaw);
  }

  /** Stores rows whole (new ones inserted, known ones replaced), one statement for the batch. */
  async store(manager: EntityManager, rows: readonly ReminderRow[]): Promise<void> {
    if (rows.length === 0) return;
    const json = rows.map((row) => ({
      id: row.id,
      event_id: row.eventId,
      config_key: row.configKey,
      offset_minutes: row.offsetMinutes,
      event_start: row.start,
      start_version: row.startVersion,
      due_at: row.dueAt,
      status: row.status,
      reason: row.reason,
      fired_at: row.firedAt,
      status_changed_at: row.statusChangedAt,
    }));
    await insertRows(manager, REMINDERS_TABLE, json, {
      onConflict: `(event_id, config_key, offset_minutes) DO UPDATE SET
         event_start = EXCLUDED.event_start, start_version = EXCLUDED.start_version, due_at = EXCLUDED.due_at,
         status = EXCLUDED.status, reason = EXCLUDED.reason, fired_at = EXCLUDED.fired_at,
         status_changed_at = EXCLUDED.status_changed_at, updated_at = now()`,
    });
  }

  /** Sets the outcome of fired jobs, one statement for the batch. */
  async settle(
    manager: EntityManager,
    outcomes: readonly { id: string; status: ReminderScheduleStatus; reason: string | null; firedAt: Date }[],
  ): Promise<void> {
    if (outcomes.length === 0) return;
    await manager.query(
      `UPDATE reminder_scheduler.reminders r
          SET status = o.status, reason = o.reason, fired_at = o.fired_at, status_changed_at = o.fired_at, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS o(id, status, reason, fired_at)
        WHERE r.id = o.id`,
      [outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.reason), outcomes.map((o) => o.firedAt)],
    );
  }

  /**
   * Marks fired reminders `missed` (their staged copy was withdrawn at release: the event had
   * started), only while the row is still the fired one for that start version; answers the ids marked.
   */
  async markMissed(
    manager: EntityManager,
    missed: readonly { reminderId: string; startVersion: number; reason: string }[],
    at: Date,
  ): Promise<string[]> {
    if (missed.length === 0) return [];
    const [rows]: [{ id: string }[], number] = await manager.query(
      `UPDATE reminder_scheduler.reminders r
          SET status = 'missed', reason = m.reason, status_changed_at = $4, updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::text[]) AS m(id, start_version, reason)
        WHERE r.id = m.id AND r.start_version = m.start_version AND r.status = 'fired'
    RETURNING r.id`,
      [missed.map((m) => m.reminderId), missed.map((m) => m.startVersion), missed.map((m) => m.reason), at],
    );
    return rows.map((row) => row.id);
  }

  /** Scheduled reminders after `afterId` in id order, `limit` at a time (reconcile streams them). */
  async scheduledPage(afterId: string | null, limit: number): Promise<{ id: string; startVersion: number; dueAt: Date }[]> {
    const raw: { id: string; start_version: number; due_at: Date }[] = await this.dataSource.query(
      `SELECT id, start_version, due_at FROM reminder_scheduler.reminders
        WHERE status = 'scheduled' AND ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return raw.map((r) => ({ id: r.id, startVersion: r.start_version, dueAt: r.due_at }));
  }

  /** An event's reminders as `reminders.list` answers them, by due time. */
  async viewsOfEvent(eventId: string): Promise<ReminderView[]> {
    const raw: RawRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, created_at, updated_at FROM reminder_scheduler.reminders WHERE event_id = $1 ORDER BY due_at, config_key, offset_minutes`,
      [eventId],
    );
    return raw.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      configKey: r.config_key,
      offsetMinutes: r.offset_minutes,
      start: r.event_start.toISOString(),
      startVersion: r.start_version,
      dueAt: r.due_at.toISOString(),
      status: r.status,
      reason: r.reason,
      firedAt: r.fired_at?.toISOString() ?? null,
      createdAt: r.created_at!.toISOString(),
      updatedAt: r.updated_at!.toISOString(),
    }));
  }
}
