import { metricValue } from '@appointments/testing';
import { ServiceMetrics } from '@appointments/observability';
import { DeliveryMetrics } from './delivery-metrics';

describe('DeliveryMetrics', () => {
  it('counts provider call outcomes by channel and status', async () => {
    const metrics = new ServiceMetrics('notification-dispatch');
    const deliveries = new DeliveryMetrics(metrics);
    deliveries.delivered('email', 'sent');
    deliveries.delivered('email', 'sent');
    deliveries.delivered('sms', 'retrying');
    deliveries.delivered('sms', 'failed');
    const exposition = await metrics.exposition();
    expect(metricValue(exposition, 'notification_deliveries_total{channel="email",status="sent",service="notification-dispatch"}')).toBe(2);
    expect(metricValue(exposition, 'notification_deliveries_total{channel="sms",status="retrying",service="notification-dispatch"}')).toBe(
      1,
    );
    expect(metricValue(exposition, 'notification_deliveries_total{channel="sms",status="failed",service="notification-dispatch"}')).toBe(1);
  });

  it("observes a reminder's lateness against its due time; one sent early counts as on time", async () => {
    const metrics = new ServiceMetrics('notification-dispatch');
    const deliveries = new DeliveryMetrics(metrics);
    deliveries.reminderSent('email', '2026-01-15T10:00:00.000Z', new Date('2026-01-15T10:00:00.300Z'));
    deliveries.reminderSent('email', '2026-01-15T10:00:00.000Z', new Date('2026-01-15T10:02:00.000Z'));
    deliveries.reminderSent('email', '2026-01-15T10:00:00.000Z', new Date('2026-01-15T09:59:59.000Z'));
    const exposition = await metrics.exposition();
    const labels = 'channel="email",service="notification-dispatch"';
    expect(metricValue(exposition, `reminder_send_lateness_seconds_count{${labels}}`)).toBe(3);
    expect(metricValue(exposition, `reminder_send_lateness_seconds_sum{${labels}}`)).toBeCloseTo(120.3);
    expect(metricValue(exposition, `reminder_send_lateness_seconds_bucket{le="0.5",${labels}}`)).toBe(2);
  });
});
