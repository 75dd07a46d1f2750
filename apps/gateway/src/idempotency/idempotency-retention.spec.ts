import pino from 'pino';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { InMemoryIdempotencyKeysRepository } from './idempotency-keys.repository.fake';
import { IdempotencyRetention } from './idempotency-retention';

describe('IdempotencyRetention: the hourly purge of expired Idempotency-Keys', () => {
  const request = { route: 'POST /api/customers', fingerprint: 'a'.repeat(64) };

  it('deletes the expired keys and keeps the live ones', async () => {
    const keys = new InMemoryIdempotencyKeysRepository();
    await keys.claim({ staffId: 'staff-1', key: 'expired' }, request, 0);
    await keys.claim({ staffId: 'staff-1', key: 'live' }, request);
    await new IdempotencyRetention(keys as unknown as IdempotencyKeysRepository, pino({ level: 'silent' })).purge();
    expect(keys.size).toBe(1);
    expect(await keys.find({ staffId: 'staff-1', key: 'live' })).not.toBeNull();
  });

  it('does not throw when the purge fails: it is tried again next hour', async () => {
    const failing = { purgeExpired: () => Promise.reject(new Error('database away')) } as unknown as IdempotencyKeysRepository;
    await expect(new IdempotencyRetention(failing, pino({ level: 'silent' })).purge()).resolves.toBeUndefined();
  });
});
