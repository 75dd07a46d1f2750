import { MigrationInterface, QueryRunner } from 'typeorm';

/** An event's salesperson (`{name, email}`, or none): a follower when the template auto-follows the salesperson. */
export class EventSalesperson1764400000100 implements MigrationInterface {
  name = 'EventSalesperson1764400000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE scheduling.events ADD COLUMN salesperson jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE scheduling.events DROP COLUMN salesperson');
  }
}
