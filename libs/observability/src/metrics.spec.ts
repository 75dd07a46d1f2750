import { metricValue } from '@appointments/testing';
import { bearerMatches, cachedFor, HttpMetrics, publicFacingMetricsAccess, ServiceMetrics } from './metrics';

describe('ServiceMetrics', () => {
  it('exposes the process metrics with the service label', async () => {
    const exposition = await new ServiceMetrics('scheduling').exposition();
    expect(exposition).toMatch(/^process_cpu_user_seconds_total\{service="scheduling"\} \d/m);
    expect(exposition).toContain('nodejs_eventloop_lag_seconds');
  });

  it('gives the metric made first to a second provider asking for the same name', async () => {
    const metrics = new ServiceMetrics('dispatch');
    const first = metrics.counter({ name: 'things_total', help: 'things', labelNames: ['kind'] });
    const second = metrics.counter({ name: 'things_total', help: 'things', labelNames: ['kind'] });
    first.inc({ kind: 'a' });
    second.inc({ kind: 'a' });
    expect(second).toBe(first);
    expect(metricValue(await metrics.exposition(), 'things_total{kind="a",service="dispatch"}')).toBe(2);
  });

  it('keeps two services in one process apart (each its own registry)', async () => {
    const one = new ServiceMetrics('one');
    const two = new ServiceMetrics('two');
    one.counter({ name: 'shared_total', help: 'x' }).inc(3);
    two.counter({ name: 'shared_total', help: 'x' }).inc(5);
    expect(metricValue(await one.exposition(), 'shared_total{service="one"}')).toBe(3);
    expect(metricValue(await two.exposition(), 'shared_total{service="two"}')).toBe(5);
  });
});

describe('HttpMetrics', () => {
  it('labels a request with its route pattern, never the URL, and an unmatched one as such', async () => {
    const metrics = new ServiceMetrics('gateway');
    const http = new HttpMetrics(metrics);
    http.observe('GET', '/m/:token', 200, 0.02);
    http.observe('GET', '/m/:token', 200, 0.3);
    http.observe('POST', '/api/events/:id/notifications', 202, 0.004);
    http.observe('GET', undefined, 404, 0.001);
    const exposition = await metrics.exposition();
    expect(
      metricValue(exposition, 'http_request_duration_seconds_count{method="GET",route="/m/:token",status_code="200",service="gateway"}'),
    ).toBe(2);
    expect(
      metricValue(
        exposition,
        'http_request_duration_seconds_bucket{le="0.025",method="GET",route="/m/:token",status_code="200",service="gateway"}',
      ),
    ).toBe(1);
    expect(
      metricValue(
        exposition,
        'http_request_duration_seconds_count{method="POST",route="/api/events/:id/notifications",status_code="202",service="gateway"}',
      ),
    ).toBe(1);
    expect(
      metricValue(exposition, 'http_request_duration_seconds_count{method="GET",route="<unmatched>",status_code="404",service="gateway"}'),
    ).toBe(1);
  });
});

describe('cachedFor', () => {
  it('reads once within its time, again after it, and shares a read in progress', async () => {
    let clock = 0;
    let reads = 0;
    const read = cachedFor(
      5000,
      async () => ++reads,
      () => clock,
    );
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    clock = 4999;
    expect(await read()).toBe(1);
    clock = 5000;
    expect(await read()).toBe(2);
    expect(reads).toBe(2);
  });

  it('keeps no failed read', async () => {
    let fail = true;
    const read = cachedFor(5000, async () => {
      if (fail) throw new Error('database down');
      return 'ok';
    });
    await expect(read()).rejects.toThrow('database down');
    fail = false;
    expect(await read()).toBe('ok');
  });
});

describe('metrics access', () => {
  it.each([
    // token           production  access
    ['a-token-of-32-characters-at-least', true, { kind: 'bearer', token: 'a-token-of-32-characters-at-least' }],
    ['a-token-of-32-characters-at-least', false, { kind: 'bearer', token: 'a-token-of-32-characters-at-least' }],
    [undefined, false, { kind: 'open' }],
    [undefined, true, { kind: 'refused' }],
  ])('token %s, production %s: %o', (token, production, access) => {
    expect(publicFacingMetricsAccess(token, production)).toEqual(access);
  });

  it.each<[string | string[] | undefined, boolean]>([
    ['Bearer s3cret-token', true],
    ['bearer s3cret-token', true],
    ['Bearer s3cret-token2', false],
    ['Bearer s3cret-toke', false],
    ['s3cret-token', false],
    ['Basic s3cret-token', false],
    [undefined, false],
    [['Bearer s3cret-token'], false],
  ])('Authorization %p matches: %s', (header, expected) => {
    expect(bearerMatches(header, 's3cret-token')).toBe(expected);
  });
});
