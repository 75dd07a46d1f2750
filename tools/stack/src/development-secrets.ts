import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The secrets `npm start` gives the gateway when they are not set, and where it keeps them. */
export interface DevelopmentSecrets {
  JWT_SECRET: string;
  ADMIN_PASSWORD: string;
  CANCELLATION_TOKEN_SECRET: string;
}

const NAMES = ['JWT_SECRET', 'ADMIN_PASSWORD', 'CANCELLATION_TOKEN_SECRET'] as const;

/**
 * For `npm start` outside production: the JWT secret, the first admin's password and the cancellation
 * token secret the environment does not set, made at random on the first start and kept in `.local/dev-secrets.json` (mode
 * 0600, ignored by git), so that the printed login stays right and tokens survive a restart. In
 * production nothing is made: the gateway refuses to start without them.
 */
export function developmentSecrets(root: string, env: NodeJS.ProcessEnv): Partial<DevelopmentSecrets> {
  if (env.NODE_ENV === 'production') return {};
  const file = path.join(root, '.local', 'dev-secrets.json');
  let kept: Partial<DevelopmentSecrets> = {};
  if (existsSync(file)) kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevelopmentSecrets>;
  const secrets: DevelopmentSecrets = {
    JWT_SECRET: kept.JWT_SECRET ?? randomBytes(48).toString('base64url'),
    ADMIN_PASSWORD: kept.ADMIN_PASSWORD ?? randomBytes(15).toString('base64url'),
    CANCELLATION_TOKEN_SECRET: kept.CANCELLATION_TOKEN_SECRET ?? randomBytes(48).toString('base64url'),
  };
  if (NAMES.some((name) => kept[name] !== secrets[name])) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return Object.fromEntries(NAMES.filter((name) => !env[name]).map((name) => [name, secrets[name]]));
}

/**
 * For `npm start` outside production, when SMS go to the local sink (none of `TWILIO_ACCOUNT_SID`,
 * `TWILIO_FROM`, `TWILIO_AUTH_TOKEN` set): a random webhook signing token for this run, given to
 * every service as `TWILIO_AUTH_TOKEN`. inbound-response then checks the signature of every Twilio
 * webhook, and the gateway's phone simulator signs its replies with it, as Twilio would;
 * notification-dispatch keeps the local sink (the token alone does not send). Made anew at each
 * start and never written down or printed: nothing outside this run needs it.
 */
export function webhookSigningToken(env: NodeJS.ProcessEnv): { TWILIO_AUTH_TOKEN?: string } {
  if (env.NODE_ENV === 'production' || env.TWILIO_AUTH_TOKEN || env.TWILIO_ACCOUNT_SID || env.TWILIO_FROM) return {};
  return { TWILIO_AUTH_TOKEN: randomBytes(24).toString('base64url') };
}
