import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Landing tokens (stored only as SHA-256 hashes), the exact message held for the provider
 * while a notification is pending, SMS segment counts, delivery-status timestamps, and the
 * indexes the console's filters use.
 */
export class LandingTokensAndDelivery1763800000100 implements MigrationInterface {
  name = 'LandingTokensAndDelivery1763800000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE notification_dispatch.landing_tokens (
      token_hash bytea PRIMARY KEY,
      notification_id uuid NOT NULL UNIQUE,
      event_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      channel text NOT NULL,
      config_key text NOT NULL,
      config jsonb NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query('CREATE INDEX landing_tokens_event ON notification_dispatch.landing_tokens (event_id)');
    await runner.query(`ALTER TABLE notification_dispatch.notifications
      ADD COLUMN delivery_content jsonb,
      ADD COLUMN sms_segments int,
      ADD COLUMN sms_encoding text,
      ADD COLUMN status_changed_at timestamptz,
      ADD COLUMN provider_status text`);
    await runner.query('CREATE INDEX dev_outbox_notification ON notification_dispatch.dev_outbox (notification_id)');
    await runner.query('CREATE INDEX notifications_type ON notification_dispatch.notifications (type, created_at DESC)');
    await runner.query('CREATE INDEX notifications_status ON notification_dispatch.notifications (status, created_at DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_status');
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_type');
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.dev_outbox_notification');
    await runner.query(`ALTER TABLE notification_dispatch.notifications
      DROP COLUMN delivery_content, DROP COLUMN sms_segments, DROP COLUMN sms_encoding,
      DROP COLUMN status_changed_at, DROP COLUMN provider_status`);
    await runner.query('DROP TABLE IF EXISTS notification_dispatch.landing_tokens');
  }
}
