import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import { GatewayConfig } from './gateway.config';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/**
 * The headers every gateway answer carries (helmet's choices, on the whole Fastify instance, so
 * Nest's routes, bull-board's, Swagger's and the 404s alike):
 * - `X-Content-Type-Options: nosniff`;
 * - never framed: `X-Frame-Options: DENY` and `Content-Security-Policy: frame-ancestors 'none'`
 *   (pages that set a fuller CSP of their own, the landing and sign-in pages, keep
 *   `frame-ancestors 'none'` in it);
 * - `Referrer-Policy: no-referrer`: a landing page's URL carries its token, and its links lead to
 *   maps and calendars; the ops dashboards narrow nothing by sending `same-origin` themselves;
 * - HSTS for a year when PUBLIC_BASE_URL is https (a browser that once reached the gateway over
 *   TLS never falls back to plain http), and none on a plain-http development run.
 * Helmet's other defaults stay (Cross-Origin-Opener-Policy, Cross-Origin-Resource-Policy,
 * X-DNS-Prefetch-Control, X-Permitted-Cross-Domain-Policies…).
 */
export function securityHeaders(config: GatewayConfig): HelmetOptions {
  return {
    // Only the framing rule here: the pages that run anything (landing, sign-in) send a full CSP of
    // their own, and Swagger UI and bull-board would not run under a default one.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc, frameAncestors: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.servedOverHttps ? { maxAge: ONE_YEAR_SECONDS, includeSubDomains: true } : false,
  };
}

/**
 * The headers helmet would set with these options, worked out once: helmet's middleware run
 * against a response that only records what it is told. Helmet's headers depend on its options
 * alone, never on the request.
 */
export function securityHeaderValues(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return headers;
}

/**
 * Sets the headers on every answer of the instance, in the first `onRequest` hook, as Fastify
 * reply headers worked out once (securityHeaderValues). A route's own headers, set later with
 * `reply.header`, win over these. (Not helmet's middleware on each request, nor
 * `@fastify/helmet`, which builds the middleware anew on every request: setting headers on the
 * raw response sends Node's `writeHead` down its slow path for every header of the answer; the
 * two cost the landing pages about a tenth of their throughput, bench/README.md.)
 */
export function addSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const headers = securityHeaderValues(options);
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
