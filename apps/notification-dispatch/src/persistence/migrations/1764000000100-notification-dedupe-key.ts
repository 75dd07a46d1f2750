import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reminders (issue 5): a request may carry a dedupe key (`reminder:<reminderId>:<startVersion>`),
 * kept on each console row it sends. The unique index lets one row per key and channel in:
 * a second request for the same key is refused by the insert itself, even when two batches
 * race (the second waits for the first to commit, then finds the key taken).
 */
export class NotificationDedupeKey1764000000100 implements MigrationInterface {
  name = 'NotificationDedupeKey1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notification_dispatch.notifications ADD COLUMN dedupe_key text');
    await runner.query(`CREATE UNIQUE INDEX notifications_dedupe_key ON notification_dispatch.notifications (dedupe_key, channel)
      WHERE dedupe_key IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_dedupe_key');
    await runner.query('ALTER TABLE notification_dispatch.notifications DROP COLUMN dedupe_key');
  }
}
