/** What a request log line says of the path: the route Nest or Fastify matched, with its parameters, or the path as received. */
export interface RequestForLog {
  url: string;
  /** The matched route's pattern (`/m/:token/accept`), when a route matched. */
  routePattern?: string;
  params?: unknown;
}

/** Route parameters that are credentials: a landing page's token is the customer's key to their appointment. */
const SECRET_PARAMETERS = new Set(['token']);
export const REDACTED = '<redacted>';

/**
 * The path a request log line carries, with no credential in it: the matched route's pattern
 * filled in with its parameters, the secret ones (`:token`) redacted; a request no route matched
 * keeps its path, with the segment after `/m/` redacted however it was spelt (`/%6D/…`, `/M/…`),
 * and a path that cannot be decoded is not logged at all. The query string is never logged.
 */
export function loggedPath(request: RequestForLog): string {
  if (request.routePattern) {
    const params = (request.params && typeof request.params === 'object' ? request.params : {}) as Record<string, unknown>;
    return request.routePattern.replace(/:([A-Za-z0-9_]+)/g, (_whole, name: string) =>
      SECRET_PARAMETERS.has(name) ? REDACTED : encodeURIComponent(String(params[name] ?? `:${name}`)),
    );
  }
  const path = request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return '<undecodable path>';
  }
  return decoded.replace(/(^|\/)m(\/+)[^/]+/gi, (_whole, before: string, slashes: string) => `${before}m${slashes}${REDACTED}`);
}

/**
 * Fields pino replaces with `[redacted]` wherever a log line carries them: credentials in
 * headers, bodies and errors (an HTTP client's error keeps the request's headers). Webhook
 * signatures are redacted as the headers they travel in; a bare `signature` field is the
 * webhooks' verdict (`missing`, `invalid`) and stays.
 */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'cookie',
  'password',
  'accessToken',
  'token',
  'csrf',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.password',
  '*.accessToken',
  '*.token',
  '*.csrf',
  '*["x-twilio-signature"]',
  '*["x-twilio-email-event-webhook-signature"]',
  '*["set-cookie"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
  '*.headers["x-twilio-signature"]',
  '*.headers["x-twilio-email-event-webhook-signature"]',
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
  'err.config.auth',
  'err.response.config.headers.Authorization',
  'err.request.headers.authorization',
];
