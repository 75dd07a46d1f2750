import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A staff user can be disabled, and every token carries the user's token version: changing the
 * password, the role or disabling the user moves it on, so the tokens issued before are refused.
 */
export class StaffUserTokenVersion1765100000200 implements MigrationInterface {
  name = 'StaffUserTokenVersion1765100000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE gateway.staff_users ADD COLUMN token_version integer NOT NULL DEFAULT 1');
    await runner.query('ALTER TABLE gateway.staff_users ADD COLUMN disabled_at timestamptz');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE gateway.staff_users DROP COLUMN disabled_at, DROP COLUMN token_version');
  }
}
