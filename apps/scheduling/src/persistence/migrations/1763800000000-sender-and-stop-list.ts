import { MigrationInterface, QueryRunner } from 'typeorm';

/** System settings for the email sender, and scheduling's copy of the stop list. */
export class SenderAndStopList1763800000000 implements MigrationInterface {
  name = 'SenderAndStopList1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE scheduling.sender_settings (
      id int PRIMARY KEY CHECK (id = 1),
      name text NOT NULL,
      email text NOT NULL,
      image_url text,
      changed_by jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE TABLE scheduling.opted_out_addresses (
      channel text NOT NULL CHECK (channel IN ('email', 'sms')),
      address text NOT NULL,
      opted_out boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (channel, address)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS scheduling.opted_out_addresses');
    await runner.query('DROP TABLE IF EXISTS scheduling.sender_settings');
  }
}
