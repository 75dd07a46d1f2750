import { randomBytes } from 'node:crypto';

/**
 * Names that keep one test run apart from every other on the same machine: its own
 * PostgreSQL database, AMQP namespace (exchange and queue prefix) and Redis key prefix.
 */
export interface IsolatedEnvironment {
  runId: string;
  databaseUrl: string;
  amqpNamespace: string;
  redisPrefix: string;
  env: Record<string, string>;
}

export function isolatedEnvironment(label: string): IsolatedEnvironment {
  const runId = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
  const baseDatabaseUrl = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  baseDatabaseUrl.pathname = `/t_${runId}`;
  const databaseUrl = baseDatabaseUrl.toString();
  const amqpNamespace = `t.${runId}.`;
  const redisPrefix = `t:${runId}`;
  return {
    runId,
    databaseUrl,
    amqpNamespace,
    redisPrefix,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      AMQP_URL: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      AMQP_NAMESPACE: amqpNamespace,
      REDIS_PREFIX: redisPrefix,
    },
  };
}
