import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * inbound-response's copy of the open reply targets (decisions.md, "Issue 4: inbound-response
 * keeps a copy of the open reply targets"): one row per SMS notification with reply codes
 * on, from `ReplyTargetOpened`, closed when it is reported failed. The partial
 * index serves "the latest open target of each of these phones" and holds only open rows.
 * There is deliberately no index on `expires_at`: the hourly prune can read the table, and
 * with one the planner took it for the lookup (`expires_at > now()` matches every row),
 * reading the whole table for each group of replies.
 */
export class ReplyTargets1764000000300 implements MigrationInterface {
  name = 'ReplyTargets1764000000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE inbound_response.reply_targets (
      notification_id uuid PRIMARY KEY,
      phone text NOT NULL,
      event_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      config_key text NOT NULL,
      channel text,
      config jsonb NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      closed_at timestamptz
    )`);
    await runner.query(
      'CREATE INDEX reply_targets_open_by_phone ON inbound_response.reply_targets (phone, created_at DESC) WHERE closed_at IS NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS inbound_response.reply_targets');
  }
}
