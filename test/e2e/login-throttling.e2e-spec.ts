import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import * as bcrypt from 'bcryptjs';
import { Client } from 'pg';
import { Platform, startPlatform } from './support/platform';

jest.setTimeout(180_000);

/**
 * Login throttling and password hashing (security issue, item 3), against the five services
 * running as real processes: failed logins are limited per (client address, email) and attempts
 * per client address, shared through Redis; the real user from another address still gets in;
 * a legacy bcrypt hash is replaced by a scrypt one at the next successful login.
 *
 * The gateway runs with `TRUST_PROXY` off, so the client address is the socket's: each case
 * connects from an address of its own in 127.0.0.0/8 (Linux routes the whole block to loopback).
 * The limits are the defaults but attempts per address (30 here instead of 100: each attempt
 * costs a real scrypt hash; the integration test has the default).
 */
let platform: Platform;
const ATTEMPTS_PER_ADDRESS = 30;

beforeAll(async () => {
  platform = await startPlatform('e2e_login_throttle', { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: String(ATTEMPTS_PER_ADDRESS) });
});

afterAll(async () => {
  await platform?.stop();
});

const admin = () => platform.environment.admin;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** One HTTP request to the gateway from `localAddress` (the client address the gateway sees). */
function from(
  localAddress: string,
  method: 'GET' | 'POST',
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(path, platform.api.baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress,
        headers: options.headers,
        timeout: 15_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, json });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} timed out`)));
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

function login(localAddress: string, email: string, password: string): Promise<Answer> {
  return from(localAddress, 'POST', '/api/auth/login', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

/** A member of staff whose password was hashed by bcryptjs, as every password was before scrypt. */
async function staffWithBcryptHash(password: string): Promise<{ id: string; email: string }> {
  const user = { id: randomUUID(), email: `legacy-${randomUUID().slice(0, 8)}@example.com` };
  await withDatabase((client) =>
    client.query(`INSERT INTO gateway.staff_users (id, email, name, password_hash, role) VALUES ($1, $2, 'Lee Legacy', $3, 'staff')`, [
      user.id,
      user.email,
      bcrypt.hashSync(password, 4),
    ]),
  );
  return user;
}

async function passwordHashOf(id: string): Promise<string> {
  const result = await withDatabase((client) =>
    client.query<{ password_hash: string }>('SELECT password_hash FROM gateway.staff_users WHERE id = $1', [id]),
  );
  return result.rows[0].password_hash;
}

async function withDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: platform.environment.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('POST /api/auth/login throttling', () => {
  it('answers 429 with Retry-After to the 11th try after 10 wrong passwords, even with the right one; the real admin from another address still gets in', async () => {
    const guesser = '127.0.0.2';
    for (let guess = 1; guess <= 10; guess++) {
      const answer = await login(guesser, admin().email, `guess-${guess}`);
      expect(answer.status).toBe(401);
    }
    const eleventh = await login(guesser, admin().email, 'guess-11');
    expect(eleventh.status).toBe(429);
    const retryAfter = Number(eleventh.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(eleventh.json).toMatchObject({
      statusCode: 429,
      error: 'too_many_login_attempts',
      message: expect.stringMatching(/^Too many failed logins for this email from this address; try again in \d+ s$/),
    });
    // The guesser is not let in even when they hit on the password: it is not looked at.
    expect((await login(guesser, admin().email, admin().password)).status).toBe(429);
    // The case of the email makes no difference.
    expect((await login(guesser, admin().email.toUpperCase(), 'guess-12')).status).toBe(429);

    const realAdmin = await login('127.0.0.3', admin().email, admin().password);
    expect(realAdmin.status).toBe(200);
    const customers = await from('127.0.0.3', 'GET', '/api/customers', {
      headers: { authorization: `Bearer ${realAdmin.json.accessToken}` },
    });
    expect(customers.status).toBe(200);
  });

  it('answers 429 to the login attempt over LOGIN_MAX_ATTEMPTS_PER_ADDRESS of one address within the window, whatever the emails', async () => {
    const address = '127.0.0.4';
    const emails = Array.from({ length: ATTEMPTS_PER_ADDRESS }, (_, index) => `nobody-${index}@example.com`);
    // Four at a time, as a client with a few connections would send them.
    for (let start = 0; start < emails.length; start += 4) {
      const answers = await Promise.all(emails.slice(start, start + 4).map((email) => login(address, email, 'whatever')));
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 401));
    }
    const refused = await login(address, 'someone-new@example.com', 'whatever');
    expect(refused.status).toBe(429);
    expect(refused.json.message).toMatch(/^Too many login attempts from this address; try again in \d+ s$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The admin, from that address too.
    expect((await login(address, admin().email, admin().password)).status).toBe(429);
  });
});

describe('password hashes', () => {
  it('upgrades a legacy bcrypt hash to scrypt at the next successful login, and the password still works after', async () => {
    const user = await staffWithBcryptHash('legacy-password-1');
    expect(await passwordHashOf(user.id)).toMatch(/^\$2b\$04\$/);

    expect((await login('127.0.0.5', user.email, 'not-it')).status).toBe(401);
    expect(await passwordHashOf(user.id)).toMatch(/^\$2b\$/);

    const first = await login('127.0.0.5', user.email, 'legacy-password-1');
    expect(first.status).toBe(200);
    const upgraded = await passwordHashOf(user.id);
    expect(upgraded).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);

    // The token given before the upgrade still works (the password did not change), and so does the password.
    expect(
      (await from('127.0.0.5', 'GET', '/api/customers', { headers: { authorization: `Bearer ${first.json.accessToken}` } })).status,
    ).toBe(200);
    expect((await login('127.0.0.5', user.email, 'legacy-password-1')).status).toBe(200);
    expect(await passwordHashOf(user.id)).toBe(upgraded);
    expect((await login('127.0.0.5', user.email, 'legacy-password-2')).status).toBe(401);
  });
});

describe('disabled staff', () => {
  it('refuses a disabled user with the right password as if it were wrong (401), and gives no token', async () => {
    const user = await staffWithBcryptHash('disabled-password');
    expect((await login('127.0.0.7', user.email, 'disabled-password')).status).toBe(200);
    await withDatabase((client) => client.query('UPDATE gateway.staff_users SET disabled_at = now() WHERE id = $1', [user.id]));
    const refused = await login('127.0.0.7', user.email, 'disabled-password');
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ message: 'Wrong email or password' });
  });
});

describe('POST /ops/login throttling', () => {
  const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  /** Opens the sign-in page from `address` and posts it, as a browser there would. */
  async function signIn(address: string, email: string, password: string): Promise<Answer> {
    const page = await from(address, 'GET', '/ops/login', { headers: { accept: HTML } });
    expect(page.status).toBe(200);
    const cookie = ([] as string[])
      .concat(page.headers['set-cookie'] ?? [])
      .map((line) => line.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    return from(address, 'POST', '/ops/login', {
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', accept: HTML },
      body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
    });
  }

  it('shows the sign-in form with a friendly message, 429 and Retry-After, after 10 wrong passwords; counts the same failures as the API', async () => {
    const address = '127.0.0.6';
    for (let guess = 1; guess <= 5; guess++) expect((await signIn(address, admin().email, `guess-${guess}`)).status).toBe(401);
    for (let guess = 6; guess <= 10; guess++) expect((await login(address, admin().email, `guess-${guess}`)).status).toBe(401);
    const refused = await signIn(address, admin().email, admin().password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(refused.text).toMatch(/Too many sign-in attempts\. Please wait 15 minutes and try again\./);
    expect(([] as string[]).concat(refused.headers['set-cookie'] ?? []).some((line) => line.startsWith('ops_session='))).toBe(false);
  });
});
