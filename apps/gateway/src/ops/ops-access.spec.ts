import Fastify from 'fastify';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { StaffPrincipal } from '../auth/auth.service';
import {
  clearedOpsSessionCookie,
  decideOpsAccess,
  OPS_COOKIE_NAME,
  OpsRequestHeaders,
  opsSessionCookie,
  StaffTokenVerifier,
} from './ops-access';
import { readCookie } from '../auth/request-credentials';
import { OpsSignInRedirect, throwUnlessAllowed } from './ops-sign-in-redirect';
import { requireOpsAdmin } from './ops-admin.hook';
import { isHttps } from './ops-login.controller';

const ADMIN: StaffPrincipal = { id: 'a1', email: 'admin@example.com', name: 'Admin', role: 'admin' };
const STAFF: StaffPrincipal = { id: 's1', email: 'staff@example.com', name: 'Sam Staff', role: 'staff' };

/** Tokens as AuthService.verify would take them: two valid ones, anything else forged or expired. */
const verify: StaffTokenVerifier = async (token) => ({ 'admin-token': ADMIN, 'staff-token': STAFF })[token] ?? null;

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const JSON_ONLY = 'application/json, text/plain, */*';
const cookie = (token: string) => `theme=dark; ${OPS_COOKIE_NAME}=${token}; other=1`;

describe('decideOpsAccess', () => {
  it.each<[string, OpsRequestHeaders, string]>([
    // who                                   request headers                                                   decision
    ['no token, browser', { accept: HTML }, 'sign_in'],
    ['no token, API client', { accept: JSON_ONLY }, 'unauthorized'],
    ['no token, no Accept', {}, 'unauthorized'],
    ['forged or expired cookie, browser', { accept: HTML, cookie: cookie('forged') }, 'sign_in'],
    ['forged or expired cookie, API client', { accept: JSON_ONLY, cookie: cookie('forged') }, 'unauthorized'],
    ['forged Bearer, API client', { authorization: 'Bearer forged' }, 'unauthorized'],
    ['empty cookie, browser', { accept: HTML, cookie: `${OPS_COOKIE_NAME}=` }, 'sign_in'],
    ['non-admin cookie, browser', { accept: HTML, cookie: cookie('staff-token') }, 'forbidden'],
    ['non-admin cookie, API client', { accept: JSON_ONLY, cookie: cookie('staff-token') }, 'forbidden'],
    ['non-admin Bearer', { authorization: 'Bearer staff-token' }, 'forbidden'],
    ['admin cookie, browser', { accept: HTML, cookie: cookie('admin-token') }, 'allow'],
    ['admin cookie, API client', { accept: JSON_ONLY, cookie: cookie('admin-token') }, 'allow'],
    ['admin Bearer', { authorization: 'Bearer admin-token' }, 'allow'],
    ['admin Bearer wins over a stale cookie', { authorization: 'bearer admin-token', cookie: cookie('forged') }, 'allow'],
    ['admin cookie under another name', { accept: HTML, cookie: 'session=admin-token' }, 'sign_in'],
  ])('%s → %s', async (_who, headers, kind) => {
    const decision = await decideOpsAccess(headers, verify);
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'sign_in') expect(decision.location).toBe('/ops/login');
    if (decision.kind === 'allow') expect(decision.staff).toEqual(ADMIN);
  });
});

describe('the Nest side (StaffAuthGuard on @OpsRoute())', () => {
  it.each([
    [{ kind: 'sign_in', location: '/ops/login' }, OpsSignInRedirect],
    [{ kind: 'unauthorized', message: 'Sign in first' }, UnauthorizedException],
    [{ kind: 'forbidden', message: 'admins only' }, ForbiddenException],
  ] as const)('turns %j into %p', (decision, exception) => {
    expect(() => throwUnlessAllowed(decision)).toThrow(exception);
  });

  it('lets an admin through', () => {
    expect(() => throwUnlessAllowed({ kind: 'allow', staff: ADMIN })).not.toThrow();
  });
});

describe("the Fastify side (bull-board's routes)", () => {
  const app = Fastify();
  beforeAll(async () => {
    await app.register(
      async (scope) => {
        requireOpsAdmin(scope, (headers) => decideOpsAccess(headers, verify));
        scope.get('/', async () => 'dashboard');
        scope.put('/api/queues/:queue/retry/failed', async () => ({ retried: true }));
      },
      { prefix: '/ops/queues' },
    );
    app.get('/elsewhere', async () => 'not guarded');
    await app.ready();
  });
  afterAll(() => app.close());

  it.each<[string, string, Record<string, string>, number, string | null]>([
    ['GET', '/ops/queues', { accept: HTML }, 302, '/ops/login'],
    ['GET', '/ops/queues', { accept: JSON_ONLY }, 401, null],
    ['GET', '/ops/queues', { accept: HTML, cookie: cookie('forged') }, 302, '/ops/login'],
    ['GET', '/ops/queues', { accept: HTML, cookie: cookie('staff-token') }, 403, null],
    ['PUT', '/ops/queues/api/queues/reminders/retry/failed', { cookie: cookie('staff-token') }, 403, null],
    ['PUT', '/ops/queues/api/queues/reminders/retry/failed', {}, 401, null],
    ['GET', '/ops/queues', { accept: HTML, cookie: cookie('admin-token') }, 200, null],
    ['PUT', '/ops/queues/api/queues/reminders/retry/failed', { cookie: cookie('admin-token') }, 200, null],
  ])('%s %s %j → %d', async (method, url, headers, status, location) => {
    const response = await app.inject({ method: method as 'GET' | 'PUT', url, headers });
    expect(response.statusCode).toBe(status);
    expect(response.headers.location ?? null).toBe(location);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-frame-options']).toBe('DENY');
    if (status === 401 || status === 403) expect(response.json()).toMatchObject({ statusCode: status, message: expect.any(String) });
  });

  it('leaves routes outside its scope alone', async () => {
    expect((await app.inject({ method: 'GET', url: '/elsewhere' })).statusCode).toBe(200);
  });
});

describe('the ops session cookie', () => {
  it('is HttpOnly, SameSite=Strict, for /ops only, and Secure over https', () => {
    expect(opsSessionCookie('tok.en', { maxAgeSeconds: 900, secure: true })).toBe(
      `${OPS_COOKIE_NAME}=tok.en; Path=/ops; Max-Age=900; HttpOnly; SameSite=Strict; Secure`,
    );
    expect(opsSessionCookie('tok.en', { maxAgeSeconds: 900, secure: false })).not.toContain('Secure');
  });

  it('is removed with Max-Age=0', () => {
    expect(clearedOpsSessionCookie({ secure: false })).toBe(`${OPS_COOKIE_NAME}=; Path=/ops; Max-Age=0; HttpOnly; SameSite=Strict`);
  });

  it.each<[string | string[] | undefined, string | null]>([
    [undefined, null],
    ['', null],
    [`${OPS_COOKIE_NAME}=abc`, 'abc'],
    [`a=1;${OPS_COOKIE_NAME}=abc.def-ghi;b=2`, 'abc.def-ghi'],
    [`x${OPS_COOKIE_NAME}=abc`, null],
    [[`a=1`, `${OPS_COOKIE_NAME}=abc`], 'abc'],
  ])('reads %p as %p', (header, value) => {
    expect(readCookie(header, OPS_COOKIE_NAME)).toBe(value);
  });

  it('is Secure when the request came over https, also through a proxy that says so (trustProxy)', async () => {
    const app = Fastify({ trustProxy: true });
    app.get('/ops/login', async (request) => ({ https: isHttps(request) }));
    expect((await app.inject({ url: '/ops/login' })).json()).toEqual({ https: false });
    expect((await app.inject({ url: '/ops/login', headers: { 'x-forwarded-proto': 'https' } })).json()).toEqual({ https: true });
    await app.close();
  });
});
