import {
  ArgumentsHost,
  CanActivate,
  Catch,
  ExceptionFilter,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpsAccess, OpsAccessDecision } from './ops-access';

const OPS_SIGN_IN_ROUTE = 'opsSignInRoute';
/** Marks the `/ops` routes open to anyone: the sign-in form and its post. */
export const OpsSignInRoute = () => SetMetadata(OPS_SIGN_IN_ROUTE, true);

/** A browser without a valid token is sent to the sign-in page (OpsSignInRedirectFilter answers the 302). */
export class OpsSignInRedirect extends Error {
  constructor(readonly location: string) {
    super(`Sign in first at ${location}`);
  }
}

/** The Nest side of `/ops` access: every route of an ops controller but the sign-in ones needs an admin (`decideOpsAccess`). */
@Injectable()
export class OpsAdminGuard implements CanActivate {
  constructor(
    private readonly access: OpsAccess,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(OPS_SIGN_IN_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const decision = await this.access.decide(context.switchToHttp().getRequest<FastifyRequest>().headers);
    throwUnlessAllowed(decision);
    return true;
  }
}

/** The decision as the gateway's exceptions: a redirect for a browser, 401 / 403 in the one error style; nothing for `allow`. */
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
