import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The anti-forgery (CSRF) token of the landing page's forms: stateless, an HMAC bound to the
 * landing token and an expiry, `<expiry in base36 seconds>.<base64url HMAC-SHA256>`.
 *
 * The landing token in the URL is already the customer's credential; this token adds that a
 * POST comes from a page the gateway rendered not long ago (a cross-site form cannot read
 * it), and `isSameOriginPost` adds the browser's own word on where the form was.
 */
export class LandingFormToken {
  constructor(
    private readonly key: Buffer,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * The key: `LANDING_CSRF_SECRET` when set, else one derived from `JWT_SECRET` (an HMAC
   * with a fixed label), so a token of one kind never verifies as the other.
   */
  static keyFrom(secret: string | undefined, jwtSecret: string): Buffer {
    if (secret) return Buffer.from(secret, 'utf8');
    return createHmac('sha256', jwtSecret).update('appointments landing-page form key v1').digest();
  }

  issue(landingToken: string, nowMs: number = Date.now()): string {
    const expires = (Math.floor(nowMs / 1000) + this.ttlSeconds).toString(36);
    return `${expires}.${this.mac(landingToken, expires)}`;
  }

  /** True when `value` was issued for this landing token and has not expired. */
  verify(landingToken: string, value: unknown, nowMs: number = Date.now()): boolean {
    if (typeof value !== 'string' || value.length > 100) return false;
    const match = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return false;
    const [, expires, mac] = match;
    if (Number.parseInt(expires, 36) * 1000 < nowMs) return false;
    const expected = Buffer.from(this.mac(landingToken, expires), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(landingToken: string, expires: string): string {
    return createHmac('sha256', this.key).update(`landing-form:${landingToken}:${expires}`).digest('base64url');
  }
}

export interface PostOriginHeaders {
  origin?: string | string[];
  host?: string | string[];
  'sec-fetch-site'?: string | string[];
}

/**
 * Whether the browser says the form was posted from our own pages:
 *
 * - `Sec-Fetch-Site` (sent by current browsers) must be `same-origin` when present;
 * - otherwise an `Origin` header, when present and not `null`, must name this host (the
 *   `Host` header; the scheme may differ behind a TLS-terminating proxy);
 * - `Origin: null` or no header at all passes (browsers send `null` for a form post from a
 *   page with `Referrer-Policy: no-referrer`, which ours have); the HMAC token still decides.
 */
export function isSameOriginPost(headers: PostOriginHeaders): boolean {
  const fetchSite = single(headers['sec-fetch-site']);
  if (fetchSite !== undefined) return fetchSite.toLowerCase() === 'same-origin';
  const origin = single(headers.origin);
  if (origin === undefined || origin === 'null') return true;
  const host = single(headers.host);
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : '') : value;
}
