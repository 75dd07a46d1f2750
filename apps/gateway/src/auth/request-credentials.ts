/**
 * How a request to the gateway says who sends it: an `Authorization: Bearer` header (programs,
 * the staff API's clients) or a session cookie (browsers: `staff_session` for the staff web app,
 * `ops_session` for `/ops`). The one home of the header and cookie parsing both use.
 */

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** The value of one cookie in a `Cookie` header, or null (no cookie library for one name). */
export function readCookie(header: string | string[] | undefined, name: string): string | null {
  const value = Array.isArray(header) ? header.join('; ') : header;
  if (!value) return null;
  for (const part of value.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const raw = part.slice(separator + 1).trim();
    return raw === '' ? null : raw;
  }
  return null;
}

/** The `Set-Cookie` value of a session cookie holding a staff access token: HttpOnly, SameSite=Strict, Secure over https. */
export function sessionCookie(name: string, token: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  const attributes = [`${name}=${token}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** The staff web app's session cookie: the same JWT as `POST /api/auth/login` answers, for every path of the gateway. */
export const STAFF_SESSION_COOKIE = 'staff_session';
export const STAFF_SESSION_COOKIE_PATH = '/';
/** What the staff web app sends on every request that changes something (a header a cross-site form or image cannot set). */
export const STAFF_WEB_REQUESTED_WITH = 'staff-web';

/** The `Set-Cookie` value of the staff web app's session. */
export function staffSessionCookie(token: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return sessionCookie(STAFF_SESSION_COOKIE, token, { path: STAFF_SESSION_COOKIE_PATH, ...options });
}

/** The `Set-Cookie` value that removes the staff web app's session. */
export function clearedStaffSessionCookie(options: { secure: boolean }): string {
  return staffSessionCookie('', { maxAgeSeconds: 0, secure: options.secure });
}

/** What a staff API request carries, as far as its credentials are concerned. */
export interface StaffRequest {
  method: string;
  headers: {
    authorization?: string | string[];
    cookie?: string | string[];
    'x-requested-with'?: string | string[];
    'sec-fetch-site'?: string | string[];
  };
}

/**
 * The credentials of a staff API request:
 * - a bearer token wins (a browser never sends one by itself, so it needs no forgery check);
 * - otherwise the `staff_session` cookie, which the browser attaches on its own: for a method
 *   that may change something (anything but GET, HEAD, OPTIONS) the request must also carry
 *   `X-Requested-With: staff-web` (a cross-site form cannot set a header, and a cross-site
 *   `fetch` that sets one needs a CORS preflight the gateway never grants) and must not be
 *   cross-site by the browser's own word (`Sec-Fetch-Site`, when sent, is `same-origin`);
 * - neither: no credentials.
 */
export type StaffCredentials =
  { kind: 'bearer'; token: string } | { kind: 'cookie'; token: string } | { kind: 'none' } | { kind: 'forged'; message: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function staffCredentials(request: StaffRequest): StaffCredentials {
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return { kind: 'bearer', token: bearer };
  const cookie = readCookie(request.headers.cookie, STAFF_SESSION_COOKIE);
  if (!cookie) return { kind: 'none' };
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { kind: 'cookie', token: cookie };
  if (single(request.headers['x-requested-with']) !== STAFF_WEB_REQUESTED_WITH) {
    return {
      kind: 'forged',
      message: `A request signed in by the staff_session cookie that changes something must carry X-Requested-With: ${STAFF_WEB_REQUESTED_WITH} (cross-site request forgery protection)`,
    };
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && single(site) !== 'same-origin') {
    return {
      kind: 'forged',
      message:
        'A request signed in by the staff_session cookie must come from the staff web app itself (Sec-Fetch-Site is not same-origin)',
    };
  }
  return { kind: 'cookie', token: cookie };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}
