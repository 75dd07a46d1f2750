import { dropDatabase, ensureDatabase, migrateSchema } from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IdempotencyKeysRepository } from '../../../apps/gateway/src/idempotency/idempotency-keys.repository';
import { IdempotencyKeys1763700000240 } from '../../../apps/gateway/src/persistence/migrations/1763700000240-idempotency-keys';

jest.setTimeout(30_000);

/** The store of the staff API's Idempotency-Keys, on PostgreSQL with the gateway's migration. */
describe('IdempotencyKeysRepository (gateway.idempotency_keys)', () => {
  const environment = isolatedEnvironment('idempotency_keys');
  let dataSource: DataSource;
  let keys: IdempotencyKeysRepository;
  const customers = { route: 'POST /api/customers', fingerprint: 'a'.repeat(64) };
  const events = { route: 'POST /api/events', fingerprint: 'b'.repeat(64) };
  const staff = () => ({ staffId: randomUUID(), key: `key-${randomUUID()}` });

  beforeAll(async () => {
    await ensureDatabase(environment.databaseUrl);
    dataSource = await new DataSource({
      type: 'postgres',
      url: environment.databaseUrl,
      schema: 'gateway',
      migrations: [IdempotencyKeys1763700000240],
      migrationsTableName: 'migrations',
    }).initialize();
    await migrateSchema(dataSource, 'gateway');
    keys = new IdempotencyKeysRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(environment.databaseUrl);
  });

  it('claims an unused key once; the key then holds what it was first used for, in progress', async () => {
    const scope = staff();
    expect(await keys.find(scope)).toBeNull();
    expect(await keys.claim(scope, customers)).toBe(true);
    expect(await keys.claim(scope, customers)).toBe(false);
    expect(await keys.claim(scope, events)).toBe(false);
    expect(await keys.find(scope)).toEqual({ ...customers, startedAt: expect.any(Date), response: null });
  });

  it("scopes keys to the staff user: the same key of another user is another key, and neither sees the other's", async () => {
    const ann = staff();
    const bob = { ...staff(), key: ann.key };
    expect(await keys.claim(ann, customers)).toBe(true);
    expect(await keys.claim(bob, events)).toBe(true);
    await keys.complete(ann, 201, { id: 'ann-customer' });
    expect(await keys.find(ann)).toMatchObject({ ...customers, response: { status: 201, body: { id: 'ann-customer' } } });
    expect(await keys.find(bob)).toMatchObject({ ...events, response: null });
  });

  it('of many concurrent claims of one key, exactly one wins', async () => {
    const scope = staff();
    const claims = await Promise.all(Array.from({ length: 10 }, () => keys.claim(scope, customers)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the first answer as it was (status, JSON body with its key order) and does not overwrite it', async () => {
    const scope = staff();
    await keys.claim(scope, customers);
    const body = { zeta: 1, alpha: { b: [1, 'two', null], a: true }, id: 'c1' };
    await keys.complete(scope, 201, body);
    await keys.complete(scope, 500, { other: true });
    const stored = await keys.find(scope);
    expect(stored?.response).toEqual({ status: 201, body });
    expect(JSON.stringify(stored?.response?.body)).toBe(JSON.stringify(body));
  });

  it('releases a key in progress (a retry then claims it), never one with a kept answer', async () => {
    const running = staff();
    await keys.claim(running, customers);
    await keys.release(running);
    expect(await keys.find(running)).toBeNull();
    expect(await keys.claim(running, customers)).toBe(true);

    const done = staff();
    await keys.claim(done, customers);
    await keys.complete(done, 201, { id: 'c1' });
    await keys.release(done);
    expect((await keys.find(done))?.response).toEqual({ status: 201, body: { id: 'c1' } });
  });

  it('forgets an expired key: it reads as unused and is claimed afresh for any request, its old answer gone', async () => {
    const scope = staff();
    await keys.claim(scope, customers, 0);
    await keys.complete(scope, 201, { id: 'old' });
    expect(await keys.find(scope)).toBeNull();
    expect(await keys.claim(scope, events)).toBe(true);
    expect(await keys.find(scope)).toEqual({ ...events, startedAt: expect.any(Date), response: null });
  });

  it('purges expired keys only', async () => {
    const expired = [staff(), staff()];
    const live = staff();
    for (const scope of expired) await keys.claim(scope, customers, 0);
    await keys.claim(live, customers);
    expect(await keys.purgeExpired()).toBeGreaterThanOrEqual(2);
    const left: { key: string }[] = await dataSource.query('SELECT key FROM gateway.idempotency_keys WHERE key = ANY($1::text[])', [
      [...expired, live].map((s) => s.key),
    ]);
    expect(left.map((row) => row.key)).toEqual([live.key]);
  });
});
