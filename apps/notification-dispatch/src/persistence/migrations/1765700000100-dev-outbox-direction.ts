import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The phone simulator's replies are kept beside what the local sink sent (`direction`
 * `inbound`: from the customer's number to ours), so that a number's conversation is one table
 * read. Every row before this is `outbound`. The index serves the threads of the simulator: SMS
 * rows by the customer's number, newest first.
 */
export class DevOutboxDirection1765700000100 implements MigrationInterface {
  name = 'DevOutboxDirection1765700000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE notification_dispatch.dev_outbox ADD COLUMN direction text NOT NULL DEFAULT 'outbound' CHECK (direction IN ('outbound', 'inbound'))`,
    );
    await runner.query(
      `CREATE INDEX dev_outbox_sms_phone ON notification_dispatch.dev_outbox ((CASE WHEN direction = 'inbound' THEN from_address ELSE to_address END), sent_at) WHERE channel = 'sms'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.dev_outbox_sms_phone');
    await runner.query('ALTER TABLE notification_dispatch.dev_outbox DROP COLUMN direction');
  }
}
