import { eventually, metricValue } from '@appointments/testing';
import {
  createScenario,
  expectStatus,
  landingTokensIn,
  notificationConfig,
  outboxMessage,
  send,
  settledRows,
} from './support/notifications';
import { NO_BUTTONS, Platform, startPlatform } from './support/platform';

jest.setTimeout(120_000);

/** The gateway's METRICS_TOKEN in this platform (the other services' /metrics need none). */
const METRICS_TOKEN = `metrics-token-${'x'.repeat(24)}-e2e`;

async function scrape(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`${url}/metrics`, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/**
 * What ops see of a running platform: liveness and readiness on every service, and `/metrics`
 * scraped as Prometheus would, after one confirmation has gone out and its landing page was opened.
 */
describe('operations: health and metrics', () => {
  let platform: Platform;
  let token: string;

  beforeAll(async () => {
    platform = await startPlatform('e2e_ops', { METRICS_TOKEN });
    const { event, customer } = await createScenario(platform.api, {
      customer: { phone: null },
      configs: [notificationConfig('confirmation', { channelMode: 'email', buttons: { ...NO_BUTTONS, viewDetails: true } })],
    });
    const sent = await send(platform.api, event.id, { type: 'confirmation' });
    expectStatus(sent, 202, 'send the confirmation');
    const [row] = await settledRows(platform.api, event.id, 1);
    expect(row.status).toBe('sent');
    const message = await outboxMessage(platform.api, customer.email, sent.body.notificationIds[0]);
    [token] = landingTokensIn(message.html);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const landing = await fetch(`${platform.stack.gatewayUrl}/m/${token}`);
    expect(landing.status).toBe(200);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('answers /health/live and /health/ready 200 on every service, readiness with its migrations checked', async () => {
    for (const service of platform.stack.services) {
      const live = await fetch(`${service.url}/health/live`);
      expect({ service: service.spec.name, status: live.status, body: await live.json() }).toEqual({
        service: service.spec.name,
        status: 200,
        body: { status: 'ok', service: service.spec.name },
      });
      const ready = await fetch(`${service.url}/health/ready`);
      const report = (await ready.json()) as { checks: Record<string, { status: string }> };
      expect({ service: service.spec.name, status: ready.status }).toEqual({ service: service.spec.name, status: 200 });
      expect(report.checks).toMatchObject({
        database: { status: 'up' },
        broker: { status: 'up' },
        redis: { status: 'up' },
        migrations: { status: 'up' },
      });
    }
  });

  it("serves the gateway's metrics in Prometheus format: request durations by route pattern, never a landing token", async () => {
    const { status, contentType, text } = await scrape(platform.stack.gatewayUrl, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('process_resident_memory_bytes{service="gateway"}');
    expect(
      metricValue(text, 'http_request_duration_seconds_count{method="GET",route="/m/:token",status_code="200",service="gateway"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(
        text,
        'http_request_duration_seconds_count{method="POST",route="/api/events/:id/notifications",status_code="202",service="gateway"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(token);
  });

  it("refuses the gateway's metrics without METRICS_TOKEN or with another token (401)", async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${METRICS_TOKEN}x` },
      { authorization: `Bearer ${platform.environment.admin.password}` },
      { authorization: METRICS_TOKEN },
    ]) {
      const refused = await scrape(platform.stack.gatewayUrl, headers);
      expect({ headers, status: refused.status }).toEqual({ headers, status: 401 });
      expect(refused.text).not.toContain('http_request_duration_seconds');
    }
  });

  it("serves notification-dispatch's metrics: deliveries by channel and status, the outbox, consumer handling time per event type", async () => {
    const dispatch = platform.stack.url('notification-dispatch');
    const { status, text } = await scrape(dispatch);
    expect(status).toBe(200);
    expect(
      metricValue(text, 'notification_deliveries_total{channel="email",status="sent",service="notification-dispatch"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'outbox_backlog_messages{service="notification-dispatch"}')).toEqual(expect.any(Number));
    expect(metricValue(text, 'outbox_oldest_unpublished_age_seconds{service="notification-dispatch"}')).toEqual(expect.any(Number));
    expect(
      metricValue(
        text,
        'messaging_event_handling_seconds_count{event_type="NotificationRequested",outcome="applied",service="notification-dispatch"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(
        text,
        'messaging_dead_letter_messages{queue="' +
          platform.environment.amqpNamespace +
          'notification-dispatch.events.dead-letter",service="notification-dispatch"}',
      ),
    ).toBe(0);
    expect(text).not.toContain(token);
  });

  it('publishes the outbox to an empty backlog once the flow has settled', async () => {
    const backlog = await eventually(
      async () => metricValue((await scrape(platform.stack.url('scheduling'))).text, 'outbox_backlog_messages{service="scheduling"}'),
      (value) => value === 0,
      { what: "scheduling's outbox backlog to be 0", timeoutMs: 15_000 },
    );
    expect(backlog).toBe(0);
  });

  it("counts reminder-scheduler's BullMQ jobs per state", async () => {
    const { text } = await scrape(platform.stack.url('reminder-scheduler'));
    expect(metricValue(text, 'bullmq_jobs{queue="reminders",state="delayed",service="reminder-scheduler"}')).toEqual(expect.any(Number));
    expect(metricValue(text, 'bullmq_jobs{queue="reminders",state="failed",service="reminder-scheduler"}')).toEqual(expect.any(Number));
  });
});
