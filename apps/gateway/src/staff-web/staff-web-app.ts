import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The staff web app's pages: `script-src 'self'` (no inline script), inline styles allowed
 * (Mantine writes its CSS variables and some styles inline), images from the app or `data:`,
 * the template previews in `srcdoc` iframes (`frame-src 'self'`), fetches and the live stream
 * to the gateway only, and never framed by anyone.
 */
export const STAFF_WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/** Vite's hashed files: a name never changes its content, so browsers keep them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Paths the SPA never answers: they belong to the API, the customer pages, the ops dashboards,
 * probes and webhooks, and keep their own 404s (a JSON 404 under `/api` stays JSON).
 */
export const RESERVED_PREFIXES = ['/api', '/m', '/ops', '/health', '/metrics', '/webhooks', '/assets'];

/** Whether the SPA may answer this path with its shell (`index.html`). */
export function isSpaPath(pathname: string): boolean {
  return !RESERVED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** A browser navigation asks for HTML; fetches, API clients and `<img>` do not. */
export function acceptsHtml(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(value);
}

/** A file Vite copies from `public/` to the root of its output (`/favicon.svg`, `/robots.txt`): one segment, with an extension. */
const ROOT_FILE = /^\/[A-Za-z0-9_-][A-Za-z0-9_.-]*\.[A-Za-z0-9]+$/;

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Appointments</title></head><body><h1>Appointments</h1>
<p>The staff web app is not built yet: run <code>npm run build</code> (it writes <code>dist/apps/staff-web</code>), then reload this page.</p>
<p>Meanwhile the staff API and its description are at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * Serves the staff web app (Vite's output: `index.html` and `assets/*`) at `/`:
 * - `/assets/*` with `Cache-Control: public, max-age=31536000, immutable` (@fastify/static);
 * - `index.html` with `no-cache` and the app's CSP, for `/` and, as the SPA's fallback, for any
 *   GET that accepts HTML outside the reserved prefixes (`/events/1` is the app's route);
 * - the short "run npm run build" page while `index.html` is missing.
 * Everything else goes to the gateway's own 404 (`reply.callNotFound()`), JSON as before.
 * Plain Fastify routes, public like `@PublicRoute()` (the shell holds no data; the data needs
 * the session). `index.html` is read on each request (a few hundred bytes): a rebuild of the
 * app is served without restarting the gateway. No hook is added: the landing pages' requests
 * pay nothing for this.
 */
export async function mountStaffWebApp(fastify: FastifyInstance, root: string): Promise<void> {
  const absoluteRoot = path.resolve(root);
  const assets = path.join(absoluteRoot, 'assets');
  await fastify.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    wildcard: true, // looked up on each request: the app may be built after the gateway started
    index: false,
    dotfiles: 'deny',
    cacheControl: false,
    etag: true,
    lastModified: true,
    suppressWarning: true,
    // Also called for the build root's own files (sendFile below), which may change under the same name.
    setHeaders: (reply, file) => void reply.header('cache-control', file.startsWith(assets + path.sep) ? IMMUTABLE : 'no-cache'),
  });

  const shell = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?', 1)[0];
    if (pathname !== '/' && ROOT_FILE.test(pathname) && pathname !== '/index.html') {
      const file = path.join(absoluteRoot, pathname.slice(1));
      if (await isFile(file))
        return reply.header('cache-control', 'no-cache').sendFile(pathname.slice(1), absoluteRoot, { cacheControl: false });
    }
    const navigation = pathname === '/' || pathname === '/index.html' || acceptsHtml(request.headers.accept);
    if (!navigation || !isSpaPath(pathname)) return reply.callNotFound();
    const html = await readFile(path.join(absoluteRoot, 'index.html'), 'utf8').catch(() => null);
    return reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', STAFF_WEB_CSP)
      .send(html ?? NOT_BUILT_PAGE);
  };
  fastify.get('/', shell);
  fastify.get('/*', shell);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Where `npm run build` puts the app, seen from this file in `dist/apps/gateway/src/staff-web/`. */
export const DEFAULT_STAFF_WEB_DIR = path.resolve(__dirname, '../../../staff-web');
