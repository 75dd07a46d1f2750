import { randomUUID } from 'node:crypto';
import * as bcrypt from 'bcryptjs';
import { Client } from 'pg';
import { createScenario } from './support/notifications';
import { Platform, StaffApi, startPlatform } from './support/platform';

jest.setTimeout(180_000);

/**
 * The ops dashboard over HTTP (reminders issue, item 8): the sign-in form at /ops/login and its
 * session cookie, bull-board at /ops/queues with every BullMQ queue, admins only; and the staff
 * route GET /api/events/:id/reminders, against the five services running as real processes.
 */
let platform: Platform;

beforeAll(async () => {
  // Behind a TLS-terminating proxy on this machine, trusted to say the protocol.
  platform = await startPlatform('e2e_ops', { TRUST_PROXY: 'loopback' });
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;
const admin = () => platform.environment.admin;
const adminCredentials = (): [string, string] => [admin().email, admin().password];

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

interface BrowserResponse {
  status: number;
  headers: Headers;
  text: string;
  /** `name=value` of every Set-Cookie, attributes in `setCookies`. */
  cookies: Record<string, string>;
  setCookies: string[];
}

/** A request as a browser sends it: cookies, a form body, no redirects followed. */
async function browser(
  method: 'GET' | 'POST',
  path: string,
  options: { cookies?: Record<string, string>; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<BrowserResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookies)
    headers.cookie = Object.entries(options.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(`${platform.api.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers,
    body: options.form ? new URLSearchParams(options.form).toString() : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const setCookies = response.headers.getSetCookie();
  const cookies = Object.fromEntries(
    setCookies.map((line) => line.split(';')[0].split('=')).map(([name, ...value]) => [name, value.join('=')]),
  );
  return { status: response.status, headers: response.headers, text: await response.text(), cookies, setCookies };
}

/** The form token of the sign-in page, as a browser would post it back. */
function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no _csrf field in ${html.slice(0, 500)}`);
  return match[1];
}

/** Opens the sign-in page and posts it: the answer, and the browser's cookies after it. */
async function signIn(
  email: string,
  password: string,
  headers: Record<string, string> = { 'sec-fetch-site': 'same-origin', origin: 'null' },
) {
  const page = await browser('GET', '/ops/login', { headers: { accept: HTML } });
  expect(page.status).toBe(200);
  const cookies = { ...page.cookies };
  const answer = await browser('POST', '/ops/login', { cookies, form: { _csrf: csrfOf(page.text), email, password }, headers });
  return { page, answer, cookies: { ...cookies, ...answer.cookies } };
}

/** A member of staff who is not an admin (there is no API for staff accounts yet: straight into the gateway's table). */
async function createStaffMember(): Promise<{ email: string; password: string }> {
  const email = `staff-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'staff-password';
  const client = new Client({ connectionString: platform.environment.databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO gateway.staff_users (id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, 'staff')`, [
      randomUUID(),
      email,
      'Sam Staff',
      await bcrypt.hash(password, 4),
    ]);
  } finally {
    await client.end();
  }
  return { email, password };
}

describe('GET /ops/login', () => {
  it('is a server-rendered form with a CSP, no script, and a form token bound to a cookie', async () => {
    const page = await browser('GET', '/ops/login', { headers: { accept: HTML } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'nonce-[A-Za-z0-9_-]{16,}'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
    );
    expect(page.text).not.toMatch(/<script/i);
    expect(page.text).toContain('action="/ops/login"');
    expect(page.text).toContain('name="email"');
    expect(page.text).toContain('name="password"');
    csrfOf(page.text);
    expect(page.setCookies).toEqual([
      expect.stringMatching(/^ops_login=[A-Za-z0-9_-]+; Path=\/ops; Max-Age=\d+; HttpOnly; SameSite=Strict$/),
    ]);
  });
});

describe('POST /ops/login', () => {
  it('signs an admin in: 303 to /ops/queues with an HttpOnly, SameSite=Strict session cookie for /ops', async () => {
    const { answer } = await signIn(...adminCredentials());
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/ops/queues');
    const session = answer.setCookies.find((line) => line.startsWith('ops_session='));
    expect(session).toMatch(/^ops_session=[A-Za-z0-9._-]+; Path=\/ops; Max-Age=900; HttpOnly; SameSite=Strict$/);
  });

  it('makes the cookie Secure behind a trusted TLS-terminating proxy (TRUST_PROXY, X-Forwarded-Proto: https)', async () => {
    const { answer } = await signIn(...adminCredentials(), { 'sec-fetch-site': 'same-origin', 'x-forwarded-proto': 'https' });
    expect(answer.status).toBe(303);
    expect(answer.setCookies.find((line) => line.startsWith('ops_session='))).toMatch(/; Secure$/);
  });

  it('refuses a wrong password with 401 and the form again, and sets no session', async () => {
    const { answer } = await signIn('admin@example.com', 'not-the-password');
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('Wrong email or password.');
    expect(answer.cookies.ops_session).toBeUndefined();
  });

  it('refuses a post without the form token, or without the cookie it is bound to, with 403', async () => {
    const page = await browser('GET', '/ops/login', { headers: { accept: HTML } });
    const credentials = { ...admin() };
    const withoutToken = await browser('POST', '/ops/login', { cookies: page.cookies, form: credentials });
    expect(withoutToken.status).toBe(403);
    const withoutCookie = await browser('POST', '/ops/login', { form: { ...credentials, _csrf: csrfOf(page.text) } });
    expect(withoutCookie.status).toBe(403);
    expect({ ...withoutToken.cookies, ...withoutCookie.cookies }.ops_session).toBeUndefined();
  });

  it('refuses a post the browser says came from another site, even with the form token', async () => {
    const { answer } = await signIn(...adminCredentials(), { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.cookies.ops_session).toBeUndefined();
  });

  it('refuses a member of staff who is not an admin with 403, and sets no session', async () => {
    const staff = await createStaffMember();
    const { answer } = await signIn(staff.email, staff.password);
    expect(answer.status).toBe(403);
    expect(answer.cookies.ops_session).toBeUndefined();
  });
});

describe('/ops/queues', () => {
  it('shows bull-board to a signed-in admin, and its API lists the reminders queue', async () => {
    const { cookies } = await signIn(...adminCredentials());
    const page = await browser('GET', '/ops/queues', { cookies, headers: { accept: HTML } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.text).toContain('<base href="/ops/queues/"');

    const queues = await browser('GET', '/ops/queues/api/queues', { cookies });
    expect(queues.status).toBe(200);
    const body = JSON.parse(queues.text);
    expect(body.queues.map((queue: { name: string }) => queue.name)).toContain('reminders');
    const reminders = body.queues.find((queue: { name: string }) => queue.name === 'reminders');
    expect(reminders).toMatchObject({ readOnlyMode: false, allowRetries: true });
  });

  it("serves the dashboard's static files only to the signed-in", async () => {
    const { cookies } = await signIn(...adminCredentials());
    expect((await browser('GET', '/ops/queues/static/images/logo.svg', { cookies })).status).toBe(200);
    expect((await browser('GET', '/ops/queues/static/images/logo.svg')).status).toBe(401);
  });

  it("also takes an admin's Bearer token", async () => {
    const queues = await api().request('GET', '/ops/queues/api/queues');
    expect(queues.status).toBe(200);
  });

  it('sends a browser without a session to /ops/login, and answers anything else 401', async () => {
    const page = await browser('GET', '/ops/queues', { headers: { accept: HTML } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/ops/login');
    const queues = await browser('GET', '/ops/queues/api/queues');
    expect(queues.status).toBe(401);
    expect(JSON.parse(queues.text)).toMatchObject({ statusCode: 401, correlationId: expect.any(String) });
  });

  it('treats a forged or expired cookie as no cookie', async () => {
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const page = await browser('GET', '/ops/queues', { cookies: { ops_session: forged }, headers: { accept: HTML } });
    expect(page.status).toBe(302);
    expect((await browser('GET', '/ops/queues/api/queues', { cookies: { ops_session: forged } })).status).toBe(401);
  });

  it('refuses a member of staff who is not an admin with 403, actions included', async () => {
    const staff = await createStaffMember();
    const staffApi = new StaffApi(platform.api.baseUrl);
    expect((await staffApi.login(staff.email, staff.password)).status).toBe(200);
    expect((await staffApi.request('GET', '/ops/queues/api/queues')).status).toBe(403);
    expect((await staffApi.request('PUT', '/ops/queues/api/queues/reminders/retry/failed', {})).status).toBe(403);
    expect((await staffApi.request('GET', '/ops/queues', undefined, { headers: { accept: HTML } })).status).toBe(403);
  });

  it('GET /ops sends a signed-in admin to the dashboard', async () => {
    const { cookies } = await signIn(...adminCredentials());
    const index = await browser('GET', '/ops', { cookies, headers: { accept: HTML } });
    expect(index.status).toBe(302);
    expect(index.headers.get('location')).toBe('/ops/queues');
  });
});

describe('POST /ops/logout', () => {
  it('removes the session cookie and goes back to the sign-in page', async () => {
    const { cookies } = await signIn(...adminCredentials());
    const page = await browser('GET', '/ops/login', { cookies, headers: { accept: HTML } });
    expect(page.text).toContain('Signed in as');
    const answer = await browser('POST', '/ops/logout', {
      cookies,
      form: { _csrf: csrfOf(page.text) },
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/ops/login?signed-out=1');
    expect(answer.setCookies).toContainEqual(expect.stringMatching(/^ops_session=; Path=\/ops; Max-Age=0; HttpOnly; SameSite=Strict$/));
  });
});

describe('GET /api/events/:id/reminders', () => {
  it('lists the reminders of an event: none for a draft', async () => {
    const { event } = await createScenario(api());
    const reminders = await api().get(`/api/events/${event.id}/reminders`);
    expect(reminders.status).toBe(200);
    expect(reminders.body).toEqual([]);
  });

  it('answers 400 for an id that is not a UUID, 401 without a token', async () => {
    expect((await api().get('/api/events/not-a-uuid/reminders')).status).toBe(400);
    expect((await api().request('GET', `/api/events/${randomUUID()}/reminders`, undefined, { anonymous: true })).status).toBe(401);
  });
});
