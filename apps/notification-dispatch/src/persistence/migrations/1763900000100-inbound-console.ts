import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer responses in the console (issue 4): inbound rows carry the customer's reason and
 * the outbound notification they answer. The index serves the SMS reply lookup: the latest
 * outbound SMS to a phone number.
 */
export class InboundConsole1763900000100 implements MigrationInterface {
  name = 'InboundConsole1763900000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE notification_dispatch.notifications
      ADD COLUMN reason text,
      ADD COLUMN answers_notification_id uuid`);
    await runner.query(`CREATE INDEX notifications_sms_recipient ON notification_dispatch.notifications (recipient_phone, created_at DESC)
      WHERE channel = 'sms' AND direction = 'outbound'`);
    await runner.query(`CREATE INDEX notifications_direction ON notification_dispatch.notifications (direction, created_at DESC)
      WHERE direction = 'inbound'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_direction');
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_sms_recipient');
    await runner.query(`ALTER TABLE notification_dispatch.notifications DROP COLUMN reason, DROP COLUMN answers_notification_id`);
  }
}
