import { loadConfig } from '@appointments/config';
import { eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import { ServiceUnavailableException } from '@nestjs/common';
import pino from 'pino';
import { LoginThrottle, LoginThrottled } from '../../../apps/gateway/src/auth/login-throttle';
import { GatewayConfig } from '../../../apps/gateway/src/gateway.config';
import { ReminderService } from '../reminders/reminder-service';

jest.setTimeout(30_000);

/**
 * The gateway's login throttle against the real Redis, under the run's own key prefix: the
 * counters two gateway replicas share, their limits, and what happens without Redis.
 */
describe('LoginThrottle (Redis)', () => {
  const environment: IsolatedEnvironment = isolatedEnvironment('login_throttle');
  const logger = pino({ level: 'silent' });
  const throttles: LoginThrottle[] = [];

  /** A gateway replica's throttle: the run's Redis and prefix, the default limits but those given. */
  function replica(limits: Record<string, string> = {}, env: Record<string, string> = {}): LoginThrottle {
    const config = loadConfig(GatewayConfig, { ...environment.env, ...limits, ...env });
    const throttle = new LoginThrottle(config, logger);
    throttles.push(throttle);
    return throttle;
  }

  /** Each case its own addresses, so that the cases do not count one another's attempts. */
  let addressCounter = 0;
  const newAddress = () => `10.0.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`;

  async function refusal(attempt: Promise<unknown>): Promise<LoginThrottled> {
    const error = await attempt.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof LoginThrottled)) throw new Error(`expected a LoginThrottled refusal, got ${String(error)}`);
    return error;
  }

  afterAll(async () => {
    await Promise.all(throttles.map((throttle) => throttle.onApplicationShutdown()));
    await ReminderService.deleteRedisKeys(environment);
  });

  it('lets 10 failed logins of one (address, email) through, and refuses the 11th with 429 and the seconds left (the defaults)', async () => {
    const throttle = replica();
    const address = newAddress();
    for (let failure = 0; failure < 10; failure++) await throttle.admit(address, 'admin@example.com');
    const refused = await refusal(throttle.admit(address, 'admin@example.com'));
    expect(refused.getStatus()).toBe(429);
    expect(refused.limit).toBe('address_and_email');
    expect(refused.retryAfterSeconds).toBeGreaterThan(15 * 60 - 10);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    expect(refused.getResponse()).toEqual({
      error: 'too_many_login_attempts',
      message: expect.stringMatching(/^Too many failed logins for this email from this address; try again in \d+ s$/),
    });
  });

  it('counts the email whatever its case, and keeps other addresses and other emails apart', async () => {
    const throttle = replica({ LOGIN_MAX_FAILURES: '3' });
    const address = newAddress();
    for (const email of ['Admin@Example.com', 'admin@example.com', ' ADMIN@example.COM']) await throttle.admit(address, email);
    await refusal(throttle.admit(address, 'admin@example.com'));
    // The real user, from their own address, and someone else's email from the guesser's.
    await expect(throttle.admit(newAddress(), 'admin@example.com')).resolves.toBeDefined();
    await expect(throttle.admit(address, 'someone-else@example.com')).resolves.toBeDefined();
  });

  it('gives a successful login its failure back', async () => {
    const throttle = replica({ LOGIN_MAX_FAILURES: '3' });
    const address = newAddress();
    await throttle.admit(address, 'sam@example.com');
    await throttle.admit(address, 'sam@example.com');
    await throttle.succeeded(await throttle.admit(address, 'sam@example.com'));
    await throttle.admit(address, 'sam@example.com'); // the third failure
    await refusal(throttle.admit(address, 'sam@example.com'));
  });

  it('refuses the 101st attempt of one address in the window, whatever the emails and outcomes (the defaults)', async () => {
    const throttle = replica();
    const address = newAddress();
    for (let attempt = 0; attempt < 100; attempt++) await throttle.succeeded(await throttle.admit(address, `user-${attempt}@example.com`));
    const refused = await refusal(throttle.admit(address, 'new-one@example.com'));
    expect(refused.getStatus()).toBe(429);
    expect(refused.limit).toBe('address');
    expect(refused.message).toMatch(/^Too many login attempts from this address; try again in \d+ s$/);
    await expect(throttle.admit(newAddress(), 'new-one@example.com')).resolves.toBeDefined();
  });

  it('lets no more than the limit through when the guesses arrive at once, across two replicas', async () => {
    const [first, second] = [replica(), replica()];
    const address = newAddress();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) => (index % 2 ? first : second).admit(address, 'admin@example.com')),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof LoginThrottled)).toHaveLength(30);
  });

  it('lets the address try again once its window has passed', async () => {
    const throttle = replica({ LOGIN_MAX_FAILURES: '2', LOGIN_THROTTLE_WINDOW_SECONDS: '1' });
    const address = newAddress();
    await throttle.admit(address, 'admin@example.com');
    await throttle.admit(address, 'admin@example.com');
    expect((await refusal(throttle.admit(address, 'admin@example.com'))).retryAfterSeconds).toBe(1);
    await eventually(
      () =>
        throttle.admit(address, 'admin@example.com').then(
          () => true,
          () => false,
        ),
      Boolean,
      { timeoutMs: 5000, what: 'the window to pass' },
    );
  });

  it('refuses logins with 503 while Redis cannot be reached, rather than letting them through uncounted', async () => {
    const throttle = replica({}, { REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(throttle.admit(newAddress(), 'admin@example.com')).rejects.toBeInstanceOf(ServiceUnavailableException);
  });
});
