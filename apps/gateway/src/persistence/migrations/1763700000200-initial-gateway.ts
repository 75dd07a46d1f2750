import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialGateway1763700000200 implements MigrationInterface {
  name = 'InitialGateway1763700000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE gateway.staff_users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'staff')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query('CREATE UNIQUE INDEX staff_users_email ON gateway.staff_users (lower(email))');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS gateway.staff_users');
  }
}
