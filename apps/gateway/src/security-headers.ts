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
 * Sets the headers on every answer of the instance: helmet's middleware, built once, run in the
 * first `onRequest` hook. (Not `@fastify/helmet`: it builds the middleware anew on every request,
 * which cost the landing pages a measurable part of their CPU.) A route's own headers, set later
 * with `reply.header`, win over these.
 */
export function addSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const setHeaders = helmet(options);
  fastify.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
}
