import { metricValue } from '@appointments/testing';
import { ServiceMetrics } from '@appointments/observability';
import type { AmqpConnection } from './amqp-connection';
import { ConsumerMetrics, registerDeadLetterMetrics, registerOutboxMetrics } from './messaging-metrics';
import { MessagingNames } from './naming';
import type { OutboxRelay } from './outbox-relay';

describe('ConsumerMetrics', () => {
  it('observes handling time and lag per event type and outcome', async () => {
    const metrics = new ServiceMetrics('scheduling');
    const consumer = new ConsumerMetrics(metrics);
    const now = Date.parse('2026-01-15T10:00:02.000Z');
    consumer.settled('NotificationSent', 'applied', performance.now(), '2026-01-15T10:00:00.000Z', now);
    consumer.settled('NotificationSent', 'applied', performance.now(), '2026-01-15T10:00:01.500Z', now);
    consumer.settled('NotificationSent', 'duplicate', performance.now(), 'not a time', now);
    const exposition = await metrics.exposition();
    const labels = 'event_type="NotificationSent",outcome="applied",service="scheduling"';
    expect(metricValue(exposition, `messaging_event_handling_seconds_count{${labels}}`)).toBe(2);
    expect(metricValue(exposition, `messaging_event_lag_seconds_count{${labels}}`)).toBe(2);
    expect(metricValue(exposition, `messaging_event_lag_seconds_sum{${labels}}`)).toBeCloseTo(2.5);
    expect(metricValue(exposition, `messaging_event_lag_seconds_bucket{le="1",${labels}}`)).toBe(1);
    // An unreadable occurredAt still counts the handling, not a made-up lag.
    expect(
      metricValue(
        exposition,
        'messaging_event_handling_seconds_count{event_type="NotificationSent",outcome="duplicate",service="scheduling"}',
      ),
    ).toBe(1);
    expect(
      metricValue(exposition, 'messaging_event_lag_seconds_count{event_type="NotificationSent",outcome="duplicate",service="scheduling"}'),
    ).toBeUndefined();
  });
});

describe('the outbox gauges', () => {
  it('report the backlog and the age of its oldest row, read once for both on a scrape', async () => {
    const metrics = new ServiceMetrics('scheduling');
    const unpublished = jest.fn().mockResolvedValue({ count: 7, oldestAgeSeconds: 12.5 });
    registerOutboxMetrics(metrics, { unpublished } as unknown as OutboxRelay);
    const exposition = await metrics.exposition();
    expect(metricValue(exposition, 'outbox_backlog_messages{service="scheduling"}')).toBe(7);
    expect(metricValue(exposition, 'outbox_oldest_unpublished_age_seconds{service="scheduling"}')).toBe(12.5);
    await metrics.exposition();
    expect(unpublished).toHaveBeenCalledTimes(1); // kept for the next scrapes
  });
});

describe('the dead-letter gauge', () => {
  const names = new MessagingNames('t_');

  function broker(check: () => Promise<{ messageCount: number }>) {
    const channel = { on: jest.fn(), checkQueue: jest.fn(check), close: jest.fn().mockResolvedValue(undefined) };
    const connection = { isConnected: true, createChannel: jest.fn().mockResolvedValue(channel) } as unknown as AmqpConnection;
    return { channel, connection };
  }

  it("reports the depth of the service's dead-letter queue with a passive check on a channel it closes", async () => {
    const metrics = new ServiceMetrics('scheduling');
    const { channel, connection } = broker(async () => ({ messageCount: 3 }));
    registerDeadLetterMetrics(metrics, connection, names, 'scheduling', () => true);
    const exposition = await metrics.exposition();
    expect(metricValue(exposition, 'messaging_dead_letter_messages{queue="t_scheduling.events.dead-letter",service="scheduling"}')).toBe(3);
    expect(channel.checkQueue).toHaveBeenCalledWith('t_scheduling.events.dead-letter');
    expect(channel.close).toHaveBeenCalled();
  });

  it('leaves the series out while the queue cannot be checked, and for a service without an event queue', async () => {
    const missing = new ServiceMetrics('scheduling');
    registerDeadLetterMetrics(missing, broker(() => Promise.reject(new Error('NOT_FOUND'))).connection, names, 'scheduling', () => true);
    expect(await missing.exposition()).not.toContain('messaging_dead_letter_messages{');

    const gateway = new ServiceMetrics('gateway');
    const { connection } = broker(async () => ({ messageCount: 3 }));
    registerDeadLetterMetrics(gateway, connection, names, 'gateway', () => false);
    expect(await gateway.exposition()).not.toContain('messaging_dead_letter_messages{');
    expect(connection.createChannel).not.toHaveBeenCalled();
  });
});
