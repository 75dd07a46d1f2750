import { spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { eventually } from '@appointments/testing';
import { Client } from 'pg';
import { Platform, StaffApi, startPlatform } from './support/platform';
import { rawRequest } from './support/raw-request';

jest.setTimeout(240_000);

/**
 * The gateway's access rule from outside (security issue, item 1): no spelling of a path reaches
 * a private route without a token, for every route the OpenAPI document lists plus the ops and
 * dev routes; forged, expired and revoked tokens are refused; admin-only routes check the role;
 * every answer carries the security headers; request logs hold no landing token; production
 * refuses to start on missing secrets or providers.
 */
let platform: Platform;
let port: number;
/** What a leak would show: this customer's name and email. */
const MARKER = `Zebulon Leakcheck ${randomUUID().slice(0, 8)}`;
const MARKER_EMAIL = `leak.${randomUUID().slice(0, 8)}@example.com`;

beforeAll(async () => {
  // Users are looked up on every request here, so that a change made in the database shows at once.
  platform = await startPlatform('e2e_security', { STAFF_USER_CACHE_MS: '0' });
  port = Number(new URL(platform.api.baseUrl).port);
  expect((await platform.api.post('/api/customers', { name: MARKER, email: MARKER_EMAIL })).status).toBe(201);
});

afterAll(async () => {
  await platform?.stop();
});

interface Operation {
  method: string;
  path: string;
}

/** A plausible value for each path parameter, so that the route itself would match. */
function concretePath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    if (/id$/i.test(name)) return randomUUID();
    if (name === 'channel') return 'email';
    if (name === 'address') return encodeURIComponent(MARKER_EMAIL);
    if (name === 'phone') return '%2B14155550100';
    return 'confirmation';
  });
}

/** Every way of writing `path` that a lax router or a prefix check might take for the same route. */
function spellings(pathname: string): string[] {
  const segments = pathname.split('/').slice(1);
  const join = (parts: string[]) => `/${parts.join('/')}`;
  const result = new Set<string>([pathname]);
  segments.forEach((segment, index) => {
    const letter = /[A-Za-z]/.exec(segment);
    if (letter) {
      const hex = letter[0].charCodeAt(0).toString(16);
      for (const encoded of [`%${hex}`, `%${hex.toUpperCase()}`]) {
        result.add(
          join(segments.map((part, at) => (at === index ? part.slice(0, letter.index) + encoded + part.slice(letter.index + 1) : part))),
        );
      }
      result.add(join(segments.map((part, at) => (at === index ? part.toUpperCase() : part))));
      result.add(join(segments.map((part, at) => (at === index ? part[0].toUpperCase() + part.slice(1) : part))));
    }
    const before = segments.slice(0, index + 1);
    const after = segments.slice(index + 1);
    if (after.length > 0) {
      result.add(`${join(before)}//${after.join('/')}`);
      result.add(`${join(before)}/./${after.join('/')}`);
      result.add(`${join(before)}/%2e/${after.join('/')}`);
      result.add(`${join(before)}/elsewhere/../${after.join('/')}`);
      result.add(`${join(before)}%2F${after.join('/')}`);
      result.add(`${join(before)};x=1/${after.join('/')}`);
    }
  });
  result.add(`/${pathname}`);
  result.add(`/.${pathname}`);
  for (const suffix of ['/', '//', ';', ';jsessionid=1', '?', '?x=1', '/.', '%20', '%00']) result.add(`${pathname}${suffix}`);
  result.add(pathname.toUpperCase());
  return [...result];
}

function requestTargets(pathname: string): string[] {
  return [
    ...spellings(pathname),
    `http://127.0.0.1:${port}${pathname}`,
    `http://gateway.example${pathname}`,
    `HTTP://127.0.0.1${pathname}`,
    `http://127.0.0.1:${port}/${pathname.replace(/^\/a/, '/%61')}`,
  ];
}

describe('no spelling of a private route answers without a token', () => {
  let operations: Operation[];

  beforeAll(async () => {
    const document = (await platform.api.request('GET', '/api/docs/openapi.json', undefined, { anonymous: true })).body;
    operations = [];
    for (const [template, item] of Object.entries<Record<string, { 'x-public'?: boolean; security?: unknown[] }>>(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (operation['x-public']) continue;
        operations.push({ method: method.toUpperCase(), path: concretePath(template) });
      }
    }
    // Not in the staff API's document: the ops dashboards (Nest and bull-board's own routes).
    for (const opsPath of ['/ops', '/ops/queues', '/ops/queues/api/queues', '/ops/queues/api/queues/reminders/retry/failed']) {
      operations.push({ method: 'GET', path: opsPath });
    }
    operations.push({ method: 'PUT', path: '/ops/queues/api/queues/reminders/retry/failed' });
  });

  it('covers every route the OpenAPI document lists, the dev outbox and staff users included', () => {
    const listed = operations.map((operation) => `${operation.method} ${operation.path.replace(/[0-9a-f-]{36}/g, '{id}')}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /api/customers',
        'DELETE /api/templates/{id}',
        'GET /api/dev/outbox',
        'GET /api/users',
        'POST /api/events/{id}/notifications',
      ]),
    );
    expect(operations.length).toBeGreaterThan(25);
  });

  it('answers none of them 2xx, nor with data', async () => {
    const leaks: string[] = [];
    let tried = 0;
    for (const operation of operations) {
      for (const target of requestTargets(operation.path)) {
        const hasBody = ['POST', 'PUT', 'PATCH'].includes(operation.method);
        const answer = await rawRequest(
          port,
          `${operation.method} ${target} HTTP/1.1`,
          hasBody ? { 'content-type': 'application/json' } : {},
          hasBody ? '{}' : '',
        );
        tried += 1;
        const leaked = answer.body.includes(MARKER) || answer.body.includes(MARKER_EMAIL);
        if ((answer.status >= 200 && answer.status < 300) || answer.status === 0 || leaked)
          leaks.push(`${operation.method} ${target} → ${answer.status}${leaked ? ' with data' : ''}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(tried).toBeGreaterThan(1000);
  });

  it('lets the public routes through without a token', async () => {
    for (const target of ['/health', '/', '/ops/login', '/api/docs/openapi.json']) {
      expect({ target, status: (await rawRequest(port, `GET ${target} HTTP/1.1`)).status }).toEqual({ target, status: 200 });
    }
    expect((await rawRequest(port, `GET /m/${'A'.repeat(22)} HTTP/1.1`)).status).toBe(404);
  });
});

/** An HS256 (or other) JWT made by hand, as a forger would. */
function jwt(secret: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(claims)}`;
  if (header.alg === 'none') return `${unsigned}.`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

async function asBearer(token: string, method = 'GET', pathname = '/api/customers') {
  return platform.api.request(method, pathname, undefined, { anonymous: true, headers: { authorization: `Bearer ${token}` } });
}

async function newStaffUser(role: 'staff' | 'admin' = 'staff'): Promise<{ id: string; email: string; password: string; api: StaffApi }> {
  const email = `staff.${randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${randomUUID()}`;
  const created = await platform.api.post('/api/users', { email, name: 'Sam Staff', password, role });
  expect(created.status).toBe(201);
  const api = new StaffApi(platform.api.baseUrl);
  expect((await api.login(email, password)).status).toBe(200);
  return { id: created.body.id, email, password, api };
}

describe('forged, expired and revoked tokens', () => {
  const secret = () => platform.environment.env.JWT_SECRET;
  const adminClaims = async () => {
    const users = (await platform.api.get('/api/users')).body as { id: string; email: string }[];
    const admin = users.find((user) => user.email === platform.environment.admin.email)!;
    return {
      sub: admin.id,
      email: admin.email,
      name: 'Admin',
      role: 'admin',
      ver: 1,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    };
  };

  it('accepts a token made with the configured secret (the forger tests below differ in one thing each)', async () => {
    expect((await asBearer(jwt(secret(), await adminClaims()))).status).toBe(200);
  });

  it.each<[string, (claims: Record<string, unknown>) => string]>([
    ['signed with another secret', (claims) => jwt('another-secret-of-at-least-32-bytes!!', claims)],
    ['signed with the development secret of old', (claims) => jwt('development-only-secret-change-me', claims)],
    ['without a signature (alg none)', (claims) => jwt('', claims, { alg: 'none', typ: 'JWT' })],
    ['expired', (claims) => jwt(secret(), { ...claims, iat: 1_600_000_000, exp: 1_600_000_900 })],
    ['of a user who does not exist', (claims) => jwt(secret(), { ...claims, sub: randomUUID() })],
    ['with an older token version', (claims) => jwt(secret(), { ...claims, ver: 0 })],
    ['without a token version', (claims) => jwt(secret(), { ...claims, ver: undefined })],
    ['with a subject that is not an id', (claims) => jwt(secret(), { ...claims, sub: "' OR 1=1 --" })],
  ])('refuses a token %s with 401', async (_case, forge) => {
    const answer = await asBearer(forge(await adminClaims()));
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body)).not.toContain(MARKER);
  });

  it('refuses the token of a user who was removed', async () => {
    const user = await newStaffUser();
    expect((await user.api.get('/api/customers')).status).toBe(200);
    expect((await platform.api.request('DELETE', `/api/users/${user.id}`)).status).toBe(204);
    expect((await user.api.get('/api/customers')).status).toBe(401);
  });

  it('refuses the token of a user deleted straight from the database', async () => {
    const user = await newStaffUser();
    const database = new Client({ connectionString: platform.environment.databaseUrl });
    await database.connect();
    try {
      await database.query('DELETE FROM gateway.staff_users WHERE id = $1', [user.id]);
    } finally {
      await database.end();
    }
    expect((await user.api.get('/api/customers')).status).toBe(401);
  });

  it('refuses the tokens of a disabled user, and their login', async () => {
    const user = await newStaffUser();
    expect((await platform.api.patch(`/api/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await user.api.get('/api/customers')).status).toBe(401);
    expect((await new StaffApi(platform.api.baseUrl).login(user.email, user.password)).status).toBe(401);
  });

  it('refuses the tokens issued before a password change; the new password works', async () => {
    const user = await newStaffUser();
    const newPassword = `new-${randomUUID()}`;
    expect((await platform.api.patch(`/api/users/${user.id}`, { password: newPassword })).status).toBe(200);
    expect((await user.api.get('/api/customers')).status).toBe(401);
    expect((await user.api.login(user.email, newPassword)).status).toBe(200);
    expect((await user.api.get('/api/customers')).status).toBe(200);
  });

  it('takes the role from the user, not from the token: a staff token claiming admin is still staff', async () => {
    const user = await newStaffUser();
    const claims = JSON.parse(Buffer.from((user.api as unknown as { token: string }).token.split('.')[1], 'base64url').toString());
    const answer = await asBearer(jwt(secret(), { ...claims, role: 'admin' }), 'GET', '/api/dev/outbox');
    expect(answer.status).toBe(403);
  });
});

describe('admin-only routes', () => {
  it.each([
    ['GET', '/api/dev/outbox'],
    ['GET', '/api/users'],
    ['POST', '/api/users'],
  ])('refuse %s %s to a member of staff with 403, and let an admin through', async (method, pathname) => {
    const user = await newStaffUser();
    const body =
      method === 'POST'
        ? { email: `x.${randomUUID().slice(0, 6)}@example.com`, name: 'X', password: 'twelve-chars-at-least', role: 'staff' }
        : undefined;
    expect((await user.api.request(method, pathname, body)).status).toBe(403);
    expect((await platform.api.request(method, pathname, body)).status).toBe(method === 'POST' ? 201 : 200);
  });

  it('refuse the ops dashboards to a member of staff', async () => {
    const user = await newStaffUser();
    expect((await user.api.get('/ops/queues/api/queues')).status).toBe(403);
    expect((await platform.api.get('/ops/queues/api/queues')).status).toBe(200);
  });

  it('keep the last active admin', async () => {
    const users = (await platform.api.get('/api/users')).body as { id: string; email: string }[];
    const admin = users.find((user) => user.email === platform.environment.admin.email)!;
    const demoted = await platform.api.patch(`/api/users/${admin.id}`, { role: 'staff' });
    expect(demoted.status).toBe(409);
    expect(demoted.body.message).toMatch(/last active admin/);
  });

  it('refuse a short password with 400 naming the field', async () => {
    const answer = await platform.api.post('/api/users', { email: 'short@example.com', name: 'Short', password: 'short', role: 'staff' });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/password must be at least 12 characters/);
  });
});

describe('headers', () => {
  it.each([
    ['the staff API', '/api/customers', true],
    ['an unknown route', '/nowhere', false],
    ['the ops sign-in page', '/ops/login', false],
    ['a landing page', `/m/${'B'.repeat(22)}`, false],
    ['the health check', '/health', false],
  ])('%s: nosniff, never framed, no referrer, no HSTS over plain http', async (_case, pathname, withToken) => {
    const answer = withToken
      ? await platform.api.get(pathname)
      : await platform.api.request('GET', pathname, undefined, { anonymous: true });
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('strict-transport-security')).toBeNull();
  });

  it('ignores X-Forwarded-Proto from a client when no proxy is trusted (the default)', async () => {
    const page = await rawRequest(port, 'GET /ops/login HTTP/1.1', { 'x-forwarded-proto': 'https', accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.head).not.toMatch(/set-cookie:[^\r\n]*Secure/i);
  });
});

describe('request logs', () => {
  it('never hold a landing token, however the path is spelt', async () => {
    const token = `Tok${randomUUID().replace(/-/g, '').slice(0, 19)}`;
    for (const target of [
      `/m/${token}`,
      `/%6D/${token}`,
      `/M/${token}/accept`,
      `/m/${token}/calendar.ics?x=1`,
      `http://127.0.0.1/m/${token}`,
    ]) {
      await rawRequest(port, `GET ${target} HTTP/1.1`);
    }
    await platform.api.get('/api/customers'); // a line written after them, so theirs are in
    const written = () => platform.logs.filter((line) => line.service === 'gateway' && line.json?.msg === 'request');
    await eventually(() => written().some((line) => line.json?.url === '/api/customers'), Boolean, {
      what: 'the request line of GET /api/customers',
    });
    expect(written().some((line) => String(line.json?.url).startsWith('/m/<redacted>'))).toBe(true);
    expect(platform.logs.filter((line) => line.line.includes(token))).toEqual([]);
  });

  it('never hold a bearer token or a password', async () => {
    const user = await newStaffUser();
    await user.api.get('/api/customers');
    const token = (user.api as unknown as { token: string }).token;
    expect(platform.logs.filter((line) => line.line.includes(token) || line.line.includes(user.password))).toEqual([]);
  });
});

describe('production start-up', () => {
  const root = path.resolve(__dirname, '../..');
  function start(entry: string, env: Record<string, string>) {
    return spawnSync(process.execPath, ['-r', path.join(root, 'tools/runtime/register-paths.js'), path.join(root, 'dist', entry)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  it.each<[string, Record<string, string>, RegExp]>([
    ['without a JWT secret', { ADMIN_PASSWORD: 'a-long-admin-password' }, /JWT_SECRET/],
    [
      'with a JWT secret under 32 bytes',
      { JWT_SECRET: 'short-secret-0123456789', ADMIN_PASSWORD: 'a-long-admin-password' },
      /JWT_SECRET: must be at least 32 bytes/,
    ],
    ['without an admin password', { JWT_SECRET: 'x'.repeat(40) }, /ADMIN_PASSWORD/],
    [
      'with an admin password under 12 characters',
      { JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'short-pass' },
      /ADMIN_PASSWORD: must be at least 12 characters/,
    ],
  ])('the gateway refuses to start %s, naming the variable and not the value', (_case, env, named) => {
    const run = start('apps/gateway/src/main.js', { NODE_ENV: 'production', ...env });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(named);
    for (const value of ['short-secret-0123456789', 'short-pass']) expect(run.stderr).not.toContain(value);
  });

  it('notification-dispatch refuses to start without a provider unless DELIVERY_SINK=local', () => {
    const run = start('apps/notification-dispatch/src/main.js', { NODE_ENV: 'production' });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/SENDGRID_API_KEY/);
    expect(run.stderr).toMatch(/DELIVERY_SINK=local/);
  });
});
