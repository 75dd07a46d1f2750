import { HealthIndicator, HealthService } from './health';

function indicator(name: string, check: () => Promise<void>): HealthIndicator {
  return { name, check };
}

const up = (name: string) => indicator(name, async () => undefined);
const down = (name: string, reason: string) =>
  indicator(name, async () => {
    throw new Error(reason);
  });

describe('HealthService', () => {
  it('is ready when every dependency answers and the readiness checks pass', async () => {
    const health = new HealthService('scheduling', [up('database'), up('broker'), up('redis')], [up('migrations')]);
    const report = await health.readiness();
    expect(report).toMatchObject({ status: 'ok', service: 'scheduling' });
    expect(Object.keys(report.checks)).toEqual(['database', 'broker', 'redis', 'migrations']);
  });

  it('is not ready, naming the dependency, when Redis does not answer', async () => {
    const health = new HealthService(
      'scheduling',
      [up('database'), up('broker'), down('redis', 'connect ECONNREFUSED 127.0.0.1:1')],
      [up('migrations')],
    );
    const report = await health.readiness();
    expect(report.status).toBe('unavailable');
    expect(report.checks.redis).toMatchObject({ status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(report.checks.database.status).toBe('up');
  });

  it('is not ready while migrations are pending, though /health (the dependencies) is ok', async () => {
    const health = new HealthService(
      'dispatch',
      [up('database'), up('broker'), up('redis')],
      [down('migrations', 'migrations not applied: Next1')],
    );
    expect((await health.readiness()).checks.migrations).toMatchObject({ status: 'down', error: 'migrations not applied: Next1' });
    expect(await health.report()).toMatchObject({ status: 'ok' });
    expect((await health.report()).checks).not.toHaveProperty('migrations');
  });

  it('reports a dependency that does not answer in time as down', async () => {
    const hanging = indicator('broker', () => new Promise<void>(() => undefined));
    const report = await new HealthService('gateway', [up('database'), hanging]).readiness(20);
    expect(report.status).toBe('unavailable');
    expect(report.checks.broker).toMatchObject({ status: 'down', error: 'broker did not answer within 20 ms' });
  });
});
