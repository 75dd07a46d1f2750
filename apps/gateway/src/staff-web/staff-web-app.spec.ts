import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { IMMUTABLE, isSpaPath, mountStaffWebApp, STAFF_WEB_CSP } from './staff-web-app';

// @fastify/static requires content-disposition 3, an ES module Jest cannot load (Node itself can); only downloads use it.
jest.mock('content-disposition', () => ({ create: (name: string) => `attachment; filename="${name}"` }));

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

async function serverOver(root: string): Promise<FastifyInstance> {
  const fastify = Fastify();
  fastify.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `Cannot ${request.method} ${request.url}` }),
  );
  fastify.get('/api/known', async () => ({ ok: true }));
  await mountStaffWebApp(fastify, root);
  await fastify.ready();
  return fastify;
}

describe('the staff web app at /', () => {
  let root: string;
  let fastify: FastifyInstance;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'staff-web-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), INDEX);
    writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    fastify = await serverOver(root);
  });

  afterAll(async () => {
    await fastify.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers / with index.html: no-cache, the app CSP', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(STAFF_WEB_CSP);
  });

  it('serves hashed assets for a year, immutable', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log(1)');
    expect(response.headers['cache-control']).toBe(IMMUTABLE);
    expect(response.headers['content-type']).toMatch(/javascript/);
  });

  it('answers a missing asset with the 404, not the app', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/assets/nope.js', headers: { accept: HTML } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ statusCode: 404 });
  });

  it.each(['/events/123', '/dev/phone', '/conversations/%2B14155550100', '/login?next=%2Fevents'])(
    'falls back to index.html for a navigation to the app route %s',
    async (url) => {
      const response = await fastify.inject({ method: 'GET', url, headers: { accept: HTML } });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(INDEX);
      expect(response.headers['content-security-policy']).toBe(STAFF_WEB_CSP);
    },
  );

  it.each(['/api/nope', '/api', '/m/sometoken/x', '/ops/nope', '/health/nope', '/metrics/x', '/webhooks/twilio/x'])(
    'leaves %s to its own 404 even for a browser',
    async (url) => {
      const response = await fastify.inject({ method: 'GET', url, headers: { accept: HTML } });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/application\/json/);
    },
  );

  it('answers a fetch that does not ask for HTML with the 404', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/events/123', headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(404);
  });

  it('keeps the routes of the API', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/api/known', headers: { accept: HTML } });
    expect(response.json()).toEqual({ ok: true });
  });

  it('serves a file of the build root (public/), not cached for long', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/favicon.svg' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-type']).toMatch(/image\/svg\+xml/);
  });

  it('refuses paths that climb out of the build', async () => {
    for (const url of ['/assets/../../etc/passwd', '/assets/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const response = await fastify.inject({ method: 'GET', url });
      expect([403, 404]).toContain(response.statusCode);
      expect(response.body).not.toContain('root:');
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await fastify.inject({ method: 'HEAD', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
  });
});

describe('the staff web app before it is built', () => {
  it('answers / with a short page saying to run npm run build', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'staff-web-empty-'));
    const fastify = await serverOver(path.join(root, 'missing'));
    try {
      const response = await fastify.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('npm run build');
      expect(response.headers['content-security-policy']).toBe(STAFF_WEB_CSP);
    } finally {
      await fastify.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('isSpaPath', () => {
  it.each([
    ['/', true],
    ['/events', true],
    ['/apiary', true],
    ['/mobile', true],
    ['/api', false],
    ['/api/events', false],
    ['/m', false],
    ['/m/abc', false],
    ['/ops', false],
    ['/health', false],
    ['/metrics', false],
    ['/webhooks/twilio', false],
  ])('%s → %s', (pathname, expected) => {
    expect(isSpaPath(pathname)).toBe(expected);
  });
});
