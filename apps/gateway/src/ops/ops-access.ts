import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthService, StaffPrincipal } from '../auth/auth.service';
import { bearerToken, readCookie, sessionCookie } from '../auth/request-credentials';

/** The ops sign-in page; every other `/ops` route needs an admin. */
export const OPS_LOGIN_PATH = '/ops/login';
/** Where a signed-in admin lands. */
export const OPS_DASHBOARD_PATH = '/ops/queues';
/** The cookie that carries the staff access token for a browser (the same JWT as `Authorization: Bearer`). */
export const OPS_COOKIE_NAME = 'ops_session';
/** The cookie is only sent to `/ops/*`, never to `/api` or the customer pages. */
export const OPS_COOKIE_PATH = '/ops';

/** What an `/ops` request carries, as far as access is concerned. */
export interface OpsRequestHeaders {
  authorization?: string | string[];
  cookie?: string | string[];
  accept?: string | string[];
}

/**
 * The decision on one `/ops` request: let an admin through; send a browser without a valid
 * token to the sign-in page and anything else a 401; a signed-in member of staff who is not
 * an admin gets 403. A forged or expired token counts as no token.
 */
export type OpsAccessDecision =
  | { kind: 'allow'; staff: StaffPrincipal }
  | { kind: 'sign_in'; location: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'forbidden'; message: string };

/** Verifies a staff access token: the principal, or null when it is forged, expired or malformed. */
export type StaffTokenVerifier = (token: string) => Promise<StaffPrincipal | null>;

/** The one access rule of `/ops`, shared by the Nest routes (StaffAuthGuard on `@OpsRoute()`) and bull-board's Fastify routes (onRequest hook). */
export async function decideOpsAccess(headers: OpsRequestHeaders, verify: StaffTokenVerifier): Promise<OpsAccessDecision> {
  const token = bearerToken(headers.authorization) ?? readCookie(headers.cookie, OPS_COOKIE_NAME);
  const staff = token ? await verify(token) : null;
  if (!staff) {
    if (acceptsHtml(headers.accept)) return { kind: 'sign_in', location: OPS_LOGIN_PATH };
    return {
      kind: 'unauthorized',
      message: `Sign in first at ${OPS_LOGIN_PATH} (or send Authorization: Bearer <accessToken> of an admin)`,
    };
  }
  if (staff.role !== 'admin') return { kind: 'forbidden', message: 'The ops dashboards are for admins only' };
  return { kind: 'allow', staff };
}

/** `decideOpsAccess` with the gateway's own token verification (AuthService.verify: the same JWTs as the staff API). */
@Injectable()
export class OpsAccess {
  constructor(private readonly auth: AuthService) {}

  readonly verifyToken: StaffTokenVerifier = async (token) => {
    try {
      return await this.auth.verify(token);
    } catch (error) {
      if (error instanceof UnauthorizedException) return null;
      throw error;
    }
  };

  decide(headers: OpsRequestHeaders): Promise<OpsAccessDecision> {
    return decideOpsAccess(headers, this.verifyToken);
  }
}

/** A browser navigation asks for HTML; the dashboard's own fetches and API clients do not. */
function acceptsHtml(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(value);
}

/** The `Set-Cookie` value of the ops session: HttpOnly, SameSite=Strict, Path=/ops, Secure over https. */
export function opsSessionCookie(token: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return sessionCookie(OPS_COOKIE_NAME, token, { path: OPS_COOKIE_PATH, ...options });
}

/** The `Set-Cookie` value that removes the ops session. */
export function clearedOpsSessionCookie(options: { secure: boolean }): string {
  return opsSessionCookie('', { maxAgeSeconds: 0, secure: options.secure });
}
