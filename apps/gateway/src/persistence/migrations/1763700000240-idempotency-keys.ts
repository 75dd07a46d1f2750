import { MigrationInterface, QueryRunner } from 'typeorm';

/** The staff API's Idempotency-Key records (see apps/gateway/src/idempotency/README.md). */
export class IdempotencyKeys1763700000240 implements MigrationInterface {
  name = 'IdempotencyKeys1763700000240';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE gateway.idempotency_keys (
      staff_id uuid NOT NULL,
      key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
      route text NOT NULL,
      request_hash text NOT NULL,
      started_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      response_status smallint,
      response_body json,
      completed_at timestamptz,
      PRIMARY KEY (staff_id, key)
    )`);
    await runner.query('CREATE INDEX idempotency_keys_expiry ON gateway.idempotency_keys (expires_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS gateway.idempotency_keys');
  }
}
