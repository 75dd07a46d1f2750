import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staged reminders: a reminder is rendered and stored ahead of its due time as `staged` rows
 * (their `next_attempt_at` is the due time), with the `ReminderSendRef` it was prepared from,
 * which the release check and `NotificationSent` carry. The partial index finds the staged
 * rows that are due without walking the rest of the table.
 */
export class StagedReminders1764200000100 implements MigrationInterface {
  name = 'StagedReminders1764200000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notification_dispatch.notifications ADD COLUMN reminder jsonb');
    await runner.query(
      `CREATE INDEX notifications_staged ON notification_dispatch.notifications (next_attempt_at) WHERE status = 'staged'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_staged');
    await runner.query('ALTER TABLE notification_dispatch.notifications DROP COLUMN reminder');
  }
}
