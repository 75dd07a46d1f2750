/**
 * Removes what a benchmark run left on the shared infrastructure: its database, its AMQP
 * exchange and queues (under the run's namespace) and its Redis keys (under the run's
 * prefix). Every step is bounded in time and runs even when an earlier one failed.
 */
import Redis from 'ioredis';
import { MessagingNames } from '../libs/messaging/src/naming';
import { dropDatabase } from '../libs/persistence/src/database';
import { deleteAmqpNamespace } from '../libs/testing/src/amqp-namespace';
import type { IsolatedEnvironment } from '../libs/testing/src/isolated-environment';

/** Every service that declares queues (a missing queue is fine). */
const SERVICES = ['gateway', 'scheduling', 'notification-dispatch', 'inbound-response', 'reminder-scheduler'];

export interface CleanupReport {
  database: string;
  amqp: string;
  redis: string;
}

export async function cleanUp(environment: IsolatedEnvironment): Promise<CleanupReport> {
  const retryCount = (process.env.MESSAGE_RETRY_DELAYS_MS ?? '1000,5000,30000').split(',').filter((part) => part.trim()).length;
  const [database, amqp, redis] = await Promise.all([
    step('drop database', () => dropDatabase(environment.databaseUrl)),
    step('delete AMQP namespace', () =>
      deleteAmqpNamespace(environment.env.AMQP_URL, new MessagingNames(environment.amqpNamespace), SERVICES, Math.max(3, retryCount)),
    ),
    step('delete Redis keys', () => deleteRedisKeys(environment.env.REDIS_URL, environment.redisPrefix)),
  ]);
  return { database, amqp, redis };
}

async function step(what: string, run: () => Promise<unknown>, timeoutMs = 20_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      run().then((value) => (typeof value === 'number' ? `ok (${value})` : 'ok')),
      new Promise<string>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return outcome;
  } catch (error) {
    const message = `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`bench cleanup: ${message}\n`);
    return message;
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes the keys under `prefix:` (SCAN, bounded); answers how many were deleted. */
async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  if (!prefix.startsWith('t:')) throw new Error(`refusing to delete Redis keys of a non-test prefix "${prefix}"`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
