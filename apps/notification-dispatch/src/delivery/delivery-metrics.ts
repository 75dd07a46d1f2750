import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@appointments/observability';
import type { Counter, Histogram } from 'prom-client';

/** What became of a provider call: sent, failed for good, to be retried, or waiting for the provider's report. */
export type DeliveryOutcome = 'sent' | 'failed' | 'retrying' | 'outcome_unknown';

/** Buckets (seconds) of a reminder's lateness: on time is under a second; recovery after an outage is minutes. */
const LATENESS_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

/**
 * Notification-dispatch's own metrics: the provider calls' outcomes by channel
 * (`notification_deliveries_total{channel, status}`) and how late each reminder went out against
 * its due time (`reminder_send_lateness_seconds`: the moment its provider call was recorded as
 * sent, minus `dueAt`). Counted after the outcome is committed; nothing is read for them.
 */
@Injectable()
export class DeliveryMetrics {
  private readonly deliveries: Counter<'channel' | 'status'>;
  private readonly lateness: Histogram<'channel'>;

  constructor(metrics: ServiceMetrics) {
    this.deliveries = metrics.counter({
      name: 'notification_deliveries_total',
      help: 'Provider calls by channel and outcome (sent, failed, retrying, outcome_unknown)',
      labelNames: ['channel', 'status'],
    });
    this.lateness = metrics.histogram({
      name: 'reminder_send_lateness_seconds',
      help: 'How long after its due time a reminder was sent, by channel',
      labelNames: ['channel'],
      buckets: LATENESS_BUCKETS,
    });
  }

  delivered(channel: string, status: DeliveryOutcome, count = 1): void {
    this.deliveries.inc({ channel, status }, count);
  }

  /** A reminder sent at `sentAt`, due at `dueAt` (ISO); a reminder sent early counts as on time. */
  reminderSent(channel: string, dueAt: string, sentAt: Date): void {
    const due = Date.parse(dueAt);
    if (Number.isFinite(due)) this.lateness.observe({ channel }, Math.max(0, sentAt.getTime() - due) / 1000);
  }
}
