import { isolatedEnvironment, metricValue } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { cleanUpDispatch, startDispatch } from '../dispatch/dispatch-service';

jest.setTimeout(60_000);

// The gateway's /metrics access (METRICS_TOKEN) is tested end to end (test/e2e/operations.e2e-spec.ts):
// its module cannot load under Jest's transform (an ES-module dependency of the ops dashboard).

/** A port nothing listens on: Redis "at" it never answers. */
const NO_REDIS = 'redis://127.0.0.1:1';

async function get(app: NestFastifyApplication, url: string, headers: Record<string, string> = {}) {
  const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers });
  return { status: response.statusCode, body: response.body, json: () => response.json() };
}

describe('readiness of a service whose Redis is unreachable', () => {
  const environment = isolatedEnvironment('int_ready');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await startDispatch(environment, { REDIS_URL: NO_REDIS });
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpDispatch(environment);
  });

  it('is live (the process answers) but not ready: 503 naming Redis, the database, broker and migrations up', async () => {
    expect((await get(app, '/health/live')).status).toBe(200);
    const ready = await get(app, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'unavailable',
      service: 'notification-dispatch',
      checks: { redis: { status: 'down' }, database: { status: 'up' }, broker: { status: 'up' }, migrations: { status: 'up' } },
    });
  });

  it('is not ready while one of its migrations is missing from the database, though /health still answers for the dependencies', async () => {
    const dataSource = app.get(DataSource);
    const [latest] = await dataSource.query('SELECT id, timestamp, name FROM notification_dispatch.migrations ORDER BY id DESC LIMIT 1');
    await dataSource.query('DELETE FROM notification_dispatch.migrations WHERE id = $1', [latest.id]);
    try {
      const ready = await get(app, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json().checks.migrations).toEqual({
        status: 'down',
        error: `migrations not applied: ${latest.name}`,
        latencyMs: expect.any(Number),
      });
      expect((await get(app, '/health')).json().checks).not.toHaveProperty('migrations');
    } finally {
      await dataSource.query('INSERT INTO notification_dispatch.migrations (id, timestamp, name) VALUES ($1, $2, $3)', [
        latest.id,
        latest.timestamp,
        latest.name,
      ]);
    }
  });

  it('still serves /metrics, its readiness answers counted by route and status', async () => {
    const metrics = await get(app, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metricValue(metrics.body, 'outbox_backlog_messages{service="notification-dispatch"}')).toBe(0);
    expect(
      metricValue(
        metrics.body,
        'http_request_duration_seconds_count{method="GET",route="/health/ready",status_code="503",service="notification-dispatch"}',
      ),
    ).toBeGreaterThanOrEqual(2);
  });
});
