import { ConfigValidationError, loadConfig } from '@appointments/config';
import { GatewayConfig, gatewaySecrets } from './gateway.config';

const STRONG_SECRET = 'x'.repeat(32);
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET, ADMIN_PASSWORD: 'a-long-password' };

function problemsOf(env: Record<string, string>): { variable: string; problem: string }[] {
  try {
    loadConfig(GatewayConfig, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('GatewayConfig in production', () => {
  it('starts with a JWT secret of 32 bytes and an admin password of 12 characters', () => {
    expect(problemsOf(PRODUCTION)).toEqual([]);
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['no JWT secret', { JWT_SECRET: undefined }, 'JWT_SECRET'],
    ['a JWT secret of 31 bytes', { JWT_SECRET: 'x'.repeat(31) }, 'JWT_SECRET'],
    ['the development JWT secret this repository once shipped', { JWT_SECRET: 'development-only-secret-change-me' }, 'JWT_SECRET'],
    ['no admin password', { ADMIN_PASSWORD: undefined }, 'ADMIN_PASSWORD'],
    ['an admin password of 11 characters', { ADMIN_PASSWORD: 'elevenchars' }, 'ADMIN_PASSWORD'],
    ['the admin password this repository once shipped', { ADMIN_PASSWORD: 'admin-password' }, 'ADMIN_PASSWORD'],
  ])('refuses %s, naming the variable', (_case, change, variable) => {
    const env = Object.fromEntries(Object.entries({ ...PRODUCTION, ...change }).filter(([, value]) => value !== undefined)) as Record<
      string,
      string
    >;
    expect(problemsOf(env).map((problem) => problem.variable)).toEqual([variable]);
  });

  it('counts a secret in bytes, not characters', () => {
    expect(problemsOf({ ...PRODUCTION, JWT_SECRET: 'é'.repeat(16) })).toEqual([]);
  });

  it('never prints the rejected value of a secret', () => {
    const rejected = 'short-but-secret-value';
    const problems = problemsOf({ ...PRODUCTION, JWT_SECRET: rejected, ADMIN_PASSWORD: 'tiny-pass', LANDING_CSRF_SECRET: 'too-short' });
    expect(problems.map((problem) => problem.variable).sort()).toEqual(['ADMIN_PASSWORD', 'JWT_SECRET', 'LANDING_CSRF_SECRET']);
    const message = JSON.stringify(problems);
    for (const secret of [rejected, 'tiny-pass', 'too-short']) expect(message).not.toContain(secret);
    expect(message).toContain('not shown');
  });

  it('still shows the rejected value of a variable that is not secret', () => {
    expect(JSON.stringify(problemsOf({ ...PRODUCTION, GATEWAY_PORT: 'eighty' }))).toContain('eighty');
  });
});

describe('GatewayConfig outside production', () => {
  it('needs neither secret, and makes both at random for the process', () => {
    const config = loadConfig(GatewayConfig, {});
    const [first, second] = [gatewaySecrets(config), gatewaySecrets(config)];
    expect(first.generated).toEqual({ jwtSecret: true, adminPassword: true });
    expect(Buffer.byteLength(first.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(first.adminPassword.length).toBeGreaterThanOrEqual(12);
    expect(second.jwtSecret).not.toBe(first.jwtSecret);
    expect(second.adminPassword).not.toBe(first.adminPassword);
  });

  it('uses the secrets it is given', () => {
    const secrets = gatewaySecrets(loadConfig(GatewayConfig, { JWT_SECRET: STRONG_SECRET, ADMIN_PASSWORD: 'a-long-password' }));
    expect(secrets).toEqual({
      jwtSecret: STRONG_SECRET,
      adminPassword: 'a-long-password',
      generated: { jwtSecret: false, adminPassword: false },
    });
  });

  it('refuses a weak secret it is given', () => {
    expect(problemsOf({ JWT_SECRET: 'development-only-secret-change-me'.slice(0, 20) }).map((problem) => problem.variable)).toEqual([
      'JWT_SECRET',
    ]);
  });
});
