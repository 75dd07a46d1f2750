import { ArgumentsHost, Catch, ExceptionFilter, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OpsAccessDecision } from './ops-access';

/** A browser without a valid token is sent to the sign-in page (OpsSignInRedirectFilter answers the 302). */
export class OpsSignInRedirect extends Error {
  constructor(readonly location: string) {
    super(`Sign in first at ${location}`);
  }
}

/** The decision as the gateway's exceptions (StaffAuthGuard, for `@OpsRoute()` routes): a redirect for a browser, 401 / 403 in the one error style; nothing for `allow`. */
export function throwUnlessAllowed(decision: OpsAccessDecision): void {
  if (decision.kind === 'sign_in') throw new OpsSignInRedirect(decision.location);
  if (decision.kind === 'unauthorized') throw new UnauthorizedException(decision.message);
  if (decision.kind === 'forbidden') throw new ForbiddenException(decision.message);
}

/** The 302 to the sign-in page (controller-scoped, so it wins over the gateway's JSON error filter). */
@Catch(OpsSignInRedirect)
export class OpsSignInRedirectFilter implements ExceptionFilter {
  catch(exception: OpsSignInRedirect, host: ArgumentsHost) {
    redirectToSignIn(host.switchToHttp().getResponse<FastifyReply>(), exception.location);
  }
}

export function redirectToSignIn(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(302).headers({ location, 'cache-control': 'no-store' }).send();
}
