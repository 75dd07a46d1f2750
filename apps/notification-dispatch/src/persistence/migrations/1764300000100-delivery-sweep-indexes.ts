import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery sweep's two questions get an index each that holds only their rows:
 * - `notifications_due`: pending rows waiting for an attempt (a retry, or work a stopped
 *   process left), not the ones being delivered. It held every pending row: a burst of
 *   released reminders (claimed, so pending with an attempt open, then sent) left up to
 *   100,000 entries, dead ones too until vacuum, which the sweep walked every second:
 *   300 ms of PostgreSQL a sweep while the burst went out (`npm run bench:reminders`,
 *   `BENCH_SPREAD_SECONDS=1`, pg_stat_statements).
 * - `notifications_in_flight`: pending rows with an attempt open, by when it started, for the
 *   interrupted-call question (`attempt_started_at` older than `DELIVERY_INTERRUPTED_AFTER_MS`),
 *   which used to filter the same walk.
 */
export class DeliverySweepIndexes1764300000100 implements MigrationInterface {
  name = 'DeliverySweepIndexes1764300000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_due');
    await runner.query(
      `CREATE INDEX notifications_due ON notification_dispatch.notifications (next_attempt_at) WHERE status = 'pending' AND attempt_started_at IS NULL`,
    );
    await runner.query(
      `CREATE INDEX notifications_in_flight ON notification_dispatch.notifications (attempt_started_at) WHERE status = 'pending' AND attempt_started_at IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_in_flight');
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.notifications_due');
    await runner.query(`CREATE INDEX notifications_due ON notification_dispatch.notifications (next_attempt_at) WHERE status = 'pending'`);
  }
}
