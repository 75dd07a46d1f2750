import { createMessagingTablesSql } from '@appointments/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialDispatch1763700000100 implements MigrationInterface {
  name = 'InitialDispatch1763700000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE notification_dispatch.notifications (
      id uuid PRIMARY KEY,
      request_id uuid,
      event_id uuid,
      type text NOT NULL,
      config_key text,
      channel text NOT NULL,
      direction text NOT NULL DEFAULT 'outbound',
      recipient_name text NOT NULL,
      recipient_email text,
      recipient_phone text,
      subject text,
      body_text text,
      body_html text,
      sms_body text,
      attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
      status text NOT NULL,
      provider text,
      provider_message_id text,
      error text,
      response_type text,
      event_start timestamptz,
      sent_at timestamptz,
      attempts int NOT NULL DEFAULT 0,
      attempt_started_at timestamptz,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query('CREATE INDEX notifications_created ON notification_dispatch.notifications (created_at DESC)');
    await runner.query('CREATE INDEX notifications_event ON notification_dispatch.notifications (event_id, created_at DESC)');
    await runner.query(`CREATE INDEX notifications_due ON notification_dispatch.notifications (next_attempt_at) WHERE status = 'pending'`);
    await runner.query('CREATE INDEX notifications_provider_message ON notification_dispatch.notifications (provider_message_id)');
    await runner.query(`CREATE TABLE notification_dispatch.dev_outbox (
      id uuid PRIMARY KEY,
      notification_id uuid,
      channel text NOT NULL,
      to_address text NOT NULL,
      from_address text,
      subject text,
      text text,
      html text,
      body text,
      attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
      sent_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await runner.query('CREATE INDEX dev_outbox_to ON notification_dispatch.dev_outbox (to_address, sent_at DESC)');
    for (const sql of createMessagingTablesSql('notification_dispatch')) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['dev_outbox', 'notifications', 'processed_messages', 'outbox']) {
      await runner.query(`DROP TABLE IF EXISTS notification_dispatch.${table}`);
    }
  }
}
