import { createMessagingTablesSql } from '@appointments/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialScheduling1763700000000 implements MigrationInterface {
  name = 'InitialScheduling1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE scheduling.customers (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      email text,
      phone text,
      preferred_confirmation_method text CHECK (preferred_confirmation_method IN ('email', 'sms')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE TABLE scheduling.templates (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      title_pattern text NOT NULL,
      customer_title text NOT NULL,
      default_duration_minutes int,
      default_location text,
      status_labels jsonb NOT NULL DEFAULT '{}'::jsonb,
      notification_configs jsonb NOT NULL,
      reminder_triggers jsonb NOT NULL DEFAULT '[]'::jsonb,
      followers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE TABLE scheduling.events (
      id uuid PRIMARY KEY,
      customer_id uuid NOT NULL REFERENCES scheduling.customers(id),
      template_id uuid NOT NULL REFERENCES scheduling.templates(id),
      title text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      time_zone text NOT NULL,
      location text,
      video_url text,
      description text,
      organizer jsonb NOT NULL,
      booking_status text NOT NULL,
      attendee_status text NOT NULL,
      notification_state text NOT NULL,
      changed_fields jsonb NOT NULL DEFAULT '[]'::jsonb,
      decline_reason text,
      reschedule_reason text,
      start_version int NOT NULL DEFAULT 1,
      calendar_sequence int NOT NULL DEFAULT 0,
      version int NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    )`);
    await runner.query('CREATE INDEX events_customer ON scheduling.events (customer_id)');
    await runner.query('CREATE INDEX events_starts_at ON scheduling.events (starts_at)');
    await runner.query(`CREATE TABLE scheduling.chatter_entries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id uuid NOT NULL REFERENCES scheduling.events(id) ON DELETE CASCADE,
      kind text NOT NULL,
      body text NOT NULL,
      author jsonb,
      channel text,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      source_id text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await runner.query('CREATE INDEX chatter_event ON scheduling.chatter_entries (event_id, created_at)');
    for (const sql of createMessagingTablesSql('scheduling')) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['chatter_entries', 'events', 'templates', 'customers', 'processed_messages', 'outbox']) {
      await runner.query(`DROP TABLE IF EXISTS scheduling.${table}`);
    }
  }
}
