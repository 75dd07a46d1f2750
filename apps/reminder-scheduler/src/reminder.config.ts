import { ServiceConfig } from '@appointments/config';
import { IsInt, Max, Min } from 'class-validator';

export class ReminderConfig extends ServiceConfig {
  /** Port of `/health`. */
  @IsInt() @Min(1) @Max(65535) REMINDER_PORT = 3004;

  /** How often Postgres and Redis are compared (re-adding missing jobs, removing orphans); also runs at start. */
  @IsInt() @Min(1) @Max(86_400) REMINDER_RECONCILE_INTERVAL_SECONDS = 60;

  /**
   * How long before its due time a reminder is staged: its job fires then, scheduling checks it
   * and notification-dispatch renders and holds it, and releases it at the due time after a last
   * check. The work of a burst of reminders is done ahead, the due time only releases. 0 stages
   * at the due time (sent at once after). See docs/decisions.md, "Staged reminders".
   */
  @IsInt() @Min(0) @Max(86_400) REMINDER_STAGE_AHEAD_SECONDS = 600;

  /** A reminder fired more than this after its due time (but before the start) is sent with `late: true`. */
  @IsInt() @Min(0) @Max(86_400) REMINDER_LATE_THRESHOLD_SECONDS = 60;

  /** Jobs the BullMQ worker holds at once; due jobs are collected and fired in batches. */
  @IsInt() @Min(1) @Max(5000) REMINDER_WORKER_CONCURRENCY = 500;

  /** Most jobs fired in one transaction. */
  @IsInt() @Min(1) @Max(5000) REMINDER_FIRE_BATCH_MAX = 500;

  /** How long the first due job of a batch waits for others before the batch is fired. */
  @IsInt() @Min(0) @Max(1000) REMINDER_FIRE_BATCH_WAIT_MS = 5;
}
