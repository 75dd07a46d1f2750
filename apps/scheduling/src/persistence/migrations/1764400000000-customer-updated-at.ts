import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers can be edited: `updated_at` is their last change. A reminder prepared before it is
 * prepared again at its release (the release check compares it with the staging time). Existing
 * customers were never changed: their creation time.
 */
export class CustomerUpdatedAt1764400000000 implements MigrationInterface {
  name = 'CustomerUpdatedAt1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE scheduling.customers ADD COLUMN updated_at timestamptz');
    await runner.query('UPDATE scheduling.customers SET updated_at = created_at');
    await runner.query('ALTER TABLE scheduling.customers ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE scheduling.customers DROP COLUMN updated_at');
  }
}
