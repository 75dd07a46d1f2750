import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A timer (the generic "publish this at T unless cancelled"): one run of one key. */
export interface TimerRow {
  key: string;
  runId: string;
  kind: string;
  eventId: string | null;
  fireAt: Date;
  data: Record<string, unknown>;
  status: 'scheduled' | 'fired' | 'cancelled';
}

interface RawTimer {
  key: string;
  run_id: string;
  kind: string;
  event_id: string | null;
  fire_at: Date;
  data: Record<string, unknown>;
  status: TimerRow['status'];
}

const fromRaw = (raw: RawTimer): TimerRow => ({
  key: raw.key,
  runId: raw.run_id,
  kind: raw.kind,
  eventId: raw.event_id,
  fireAt: raw.fire_at,
  data: raw.data,
  status: raw.status,
});

/**
 * Every statement about `reminder_scheduler.timers`. The methods given an `EntityManager` run in
 * the caller's transaction.
 */
@Injectable()
export class TimersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** These timers, locked in key order (the firing's check-and-set). */
  async lock(manager: EntityManager, keys: readonly string[]): Promise<TimerRow[]> {
    if (keys.length === 0) return [];
    const raw: RawTimer[] = await manager.query(
      `SELECT key, run_id, kind, event_id, fire_at, data, status FROM reminder_scheduler.timers WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
      [[...new Set(keys)]],
    );
    return raw.map(fromRaw);
  }

  /** Starts (or restarts, as a new run) the timer; returns the run it replaced while that was still scheduled. */
  async start(manager: EntityManager, timer: TimerRow): Promise<{ replacedRunId: string | null }> {
    const [previous] = await this.lock(manager, [timer.key]);
    await manager.query(
      `INSERT INTO reminder_scheduler.timers (key, run_id, kind, event_id, fire_at, data, status, fired_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'scheduled', NULL)
       ON CONFLICT (key) DO UPDATE SET run_id = EXCLUDED.run_id, kind = EXCLUDED.kind, event_id = EXCLUDED.event_id,
         fire_at = EXCLUDED.fire_at, data = EXCLUDED.data, status = 'scheduled', fired_at = NULL, updated_at = now()`,
      [timer.key, timer.runId, timer.kind, timer.eventId, timer.fireAt, JSON.stringify(timer.data)],
    );
    return { replacedRunId: previous?.status === 'scheduled' ? previous.runId : null };
  }

  /** Cancels the timer if it is scheduled; returns the cancelled run. */
  async cancel(manager: EntityManager, key: string): Promise<{ runId: string } | null> {
    const raw: { run_id: string }[] = await manager.query(
      // Through a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], a SELECT with rows.
      `WITH cancelled AS (
         UPDATE reminder_scheduler.timers SET status = 'cancelled', updated_at = now() WHERE key = $1 AND status = 'scheduled' RETURNING run_id
       ) SELECT run_id FROM cancelled`,
      [key],
    );
    return raw[0] ? { runId: raw[0].run_id } : null;
  }

  /** Marks these timers fired, one statement for the batch. */
  async markFired(manager: EntityManager, keys: readonly string[], firedAt: Date): Promise<void> {
    if (keys.length === 0) return;
    await manager.query(
      `UPDATE reminder_scheduler.timers SET status = 'fired', fired_at = $2, updated_at = now() WHERE key = ANY($1::text[])`,
      [keys, firedAt],
    );
  }

  /** Scheduled timers after `afterKey` in key order, `limit` at a time (reconcile streams them). */
  async scheduledPage(afterKey: string | null, limit: number): Promise<{ key: string; runId: string; fireAt: Date }[]> {
    const raw: { key: string; run_id: string; fire_at: Date }[] = await this.dataSource.query(
      `SELECT key, run_id, fire_at FROM reminder_scheduler.timers WHERE status = 'scheduled' AND ($1::text IS NULL OR key > $1) ORDER BY key LIMIT $2`,
      [afterKey, limit],
    );
    return raw.map((r) => ({ key: r.key, runId: r.run_id, fireAt: r.fire_at }));
  }
}
