import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reminder schedule (the source of truth; Redis only mirrors it as delayed jobs) and the
 * generic timers. One reminder per (event, trigger): `(event_id, config_key, offset_minutes)`.
 */
export class ReminderSchedule1764000000400 implements MigrationInterface {
  name = 'ReminderSchedule1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE reminder_scheduler.reminders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id uuid NOT NULL,
      config_key text NOT NULL,
      offset_minutes integer NOT NULL,
      event_start timestamptz NOT NULL,
      start_version integer NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('scheduled', 'fired', 'cancelled', 'skipped', 'missed')),
      reason text,
      fired_at timestamptz,
      status_changed_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT reminders_trigger_unique UNIQUE (event_id, config_key, offset_minutes)
    )`);
    // Reconcile walks the scheduled rows by id; the partial index keeps that cheap when most rows are history.
    await runner.query(`CREATE INDEX reminders_scheduled_due ON reminder_scheduler.reminders (due_at) WHERE status = 'scheduled'`);
    await runner.query(`CREATE INDEX reminders_scheduled_id ON reminder_scheduler.reminders (id) WHERE status = 'scheduled'`);
    await runner.query(`CREATE TABLE reminder_scheduler.timers (
      key text PRIMARY KEY,
      run_id uuid NOT NULL,
      kind text NOT NULL,
      event_id uuid,
      fire_at timestamptz NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      status text NOT NULL CHECK (status IN ('scheduled', 'fired', 'cancelled')),
      fired_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE INDEX timers_scheduled ON reminder_scheduler.timers (fire_at) WHERE status = 'scheduled'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS reminder_scheduler.timers');
    await runner.query('DROP TABLE IF EXISTS reminder_scheduler.reminders');
  }
}
