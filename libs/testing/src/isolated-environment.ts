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
  /** The first admin the gateway creates; the password, like the JWT secret, is made for this run. */
  admin: { email: string; password: string };
  env: Record<string, string>;
}

export function isolatedEnvironment(label: string): IsolatedEnvironment {
  const runId = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();
  const baseDatabaseUrl = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  baseDatabaseUrl.pathname = `/t_${runId}`;
  const databaseUrl = baseDatabaseUrl.toString();
  const amqpNamespace = `t.${runId}.`;
  const redisPrefix = `t:${runId}`;
  // Made for each run: no secret written in the repository signs a token or logs anyone in.
  const admin = { email: 'admin@example.com', password: randomBytes(18).toString('base64url') };
  return {
    runId,
    databaseUrl,
    amqpNamespace,
    redisPrefix,
    admin,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      AMQP_URL: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      AMQP_NAMESPACE: amqpNamespace,
      REDIS_PREFIX: redisPrefix,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      CANCELLATION_TOKEN_SECRET: randomBytes(48).toString('base64url'),
    },
  };
}
