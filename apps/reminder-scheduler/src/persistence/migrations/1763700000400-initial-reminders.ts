import { createMessagingTablesSql } from '@appointments/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox and processed-message tables; the reminder schedule arrives with the reminders issue. */
export class InitialReminders1763700000400 implements MigrationInterface {
  name = 'InitialReminders1763700000400';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of createMessagingTablesSql('reminder_scheduler')) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS reminder_scheduler.processed_messages');
    await runner.query('DROP TABLE IF EXISTS reminder_scheduler.outbox');
  }
}
