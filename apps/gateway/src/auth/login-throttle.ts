import { HttpException, HttpStatus, Inject, Injectable, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { GatewayConfig } from '../gateway.config';

/** A login refused before its password was looked at: too many tries. The exception filter sets `Retry-After`. */
export class LoginThrottled extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    readonly limit: 'address' | 'address_and_email',
  ) {
    super(
      {
        error: 'too_many_login_attempts',
        message:
          limit === 'address'
            ? `Too many login attempts from this address; try again in ${retryAfterSeconds} s`
            : `Too many failed logins for this email from this address; try again in ${retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** A login let through: its failure was counted in advance and is given back by `succeeded`. */
export interface AdmittedLogin {
  readonly failuresKey: string;
}

/**
 * Counts one attempt of the address, and reserves one failure of (address, email), in one
 * step; each counter's fixed window starts at its first count. Answers [0, 0] when admitted,
 * [1, ms left] when the address is over its limit, [2, ms left] when (address, email) is.
 */
const ADMIT_SCRIPT = `
local function count(key, window)
  local value = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, window) end
  return value
end
local window = tonumber(ARGV[1])
if count(KEYS[1], window) > tonumber(ARGV[2]) then return {1, redis.call('PTTL', KEYS[1])} end
if count(KEYS[2], window) > tonumber(ARGV[3]) then
  redis.call('DECR', KEYS[2])
  return {2, redis.call('PTTL', KEYS[2])}
end
return {0, 0}
`;

/** Gives back a reserved failure (the login succeeded), never below zero nor on a counter that has expired. */
const GIVE_BACK_SCRIPT = `
local value = tonumber(redis.call('GET', KEYS[1]) or '0')
if value > 0 then redis.call('DECR', KEYS[1]) end
return value
`;

/** The longest a login waits for the throttle's answer before it is refused with 503. */
const COMMAND_TIMEOUT_MS = 2000;

type ThrottleRedis = Redis & {
  loginAdmit(
    addressKey: string,
    failuresKey: string,
    windowMs: number,
    maxAttempts: number,
    maxFailures: number,
  ): Promise<[number, number]>;
  loginGiveBack(failuresKey: string): Promise<number>;
};

/**
 * Login throttling shared by every gateway replica, in Redis under `REDIS_PREFIX`:
 * at most `LOGIN_MAX_FAILURES` failed logins per (client address, email) and
 * `LOGIN_MAX_ATTEMPTS_PER_ADDRESS` attempts per client address in `LOGIN_THROTTLE_WINDOW_SECONDS`.
 * A refused login costs no password hash. A failure is reserved before the password is checked,
 * so concurrent guesses cannot pass the limit together; a success gives its reservation back.
 * The real user logging in from another address has counters of their own and is not blocked.
 * Without Redis, logins are refused (503) rather than let through unthrottled.
 * See docs/security-login.md.
 */
@Injectable()
export class LoginThrottle implements OnApplicationShutdown {
  private readonly redis: ThrottleRedis;
  private readonly keyPrefix: string;
  private lastError: string | null = null;

  constructor(
    private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // The whole URL (user, password, database, rediss:// TLS) goes to ioredis as given, as for OpsQueues. A login
    // while the connection is (re)opening waits for it, but a login while Redis is away fails within COMMAND_TIMEOUT_MS.
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS }) as ThrottleRedis;
    this.redis.on('error', (error) => this.report(error));
    this.redis.on('ready', () => (this.lastError = null));
    this.redis.defineCommand('loginAdmit', { numberOfKeys: 2, lua: ADMIT_SCRIPT });
    this.redis.defineCommand('loginGiveBack', { numberOfKeys: 1, lua: GIVE_BACK_SCRIPT });
    this.keyPrefix = `${config.REDIS_PREFIX}:login-throttle`;
  }

  /**
   * Lets a login attempt through, or throws `LoginThrottled` (429). `clientAddress` is the
   * request's address as Fastify sees it (`request.ip`, which follows `X-Forwarded-For` only
   * from trusted proxies); the email is compared lowercased and kept in Redis only as a digest.
   */
  async admit(clientAddress: string, email: string): Promise<AdmittedLogin> {
    const addressKey = `${this.keyPrefix}:address:${clientAddress}`;
    const emailDigest = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
    const failuresKey = `${this.keyPrefix}:failures:${clientAddress}:${emailDigest}`;
    let verdict: [number, number];
    try {
      verdict = await this.redis.loginAdmit(
        addressKey,
        failuresKey,
        this.config.LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
        this.config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
        this.config.LOGIN_MAX_FAILURES,
      );
    } catch (error) {
      this.report(error as Error);
      throw new ServiceUnavailableException(
        'Logging in is unavailable for a moment (the login throttle cannot reach Redis); try again shortly',
      );
    }
    const [refused, millisecondsLeft] = verdict;
    if (refused === 0) return { failuresKey };
    const retryAfterSeconds = Math.max(1, Math.ceil(millisecondsLeft / 1000));
    const limit = refused === 1 ? 'address' : 'address_and_email';
    this.logger.warn({ clientAddress, limit, retryAfterSeconds }, 'login throttled');
    throw new LoginThrottled(retryAfterSeconds, limit);
  }

  /** The login succeeded: its reserved failure is given back. Best effort (the window ends it anyway). */
  async succeeded(login: AdmittedLogin): Promise<void> {
    await this.redis.loginGiveBack(login.failuresKey).catch((error: Error) => this.report(error));
  }

  /** Logged once per distinct error while Redis is away, not once per reconnect attempt. */
  private report(error: Error) {
    if (error.message === this.lastError) return;
    this.lastError = error.message;
    this.logger.warn({ err: error }, 'login throttle: Redis error (logins answer 503 until it is back)');
  }

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
