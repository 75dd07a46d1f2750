import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROUTE_ACCESS, RouteAccess } from '@appointments/observability';
import type { FastifyRequest } from 'fastify';
import { OpsAccess } from '../ops/ops-access';
import { throwUnlessAllowed } from '../ops/ops-sign-in-redirect';
import { AuthService, StaffPrincipal } from './auth.service';
import { staffCredentials } from './request-credentials';

/** A request the guard let through: the staff member, and when their token expires (ISO-8601). */
export type AuthenticatedRequest = FastifyRequest & { staff?: StaffPrincipal; staffSessionExpiresAt?: string };

/**
 * The gateway's one access rule, global (APP_GUARD), deny by default. It decides on the route
 * Nest matched, by its `RouteAccess` mark (`@PublicRoute()`, `@AdminOnly()`, `@OpsRoute()`; none
 * means a staff token), never on the URL string: `/%61pi/customers` or an absolute-form request
 * line reach the same handler with the same mark. The gateway serves HTTP only; a route of any
 * other kind is refused too. Staff and admin routes take `Authorization: Bearer` or the staff web
 * app's `staff_session` cookie, the latter with its forgery check (`staffCredentials`).
 */
@Injectable()
export class StaffAuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly ops: OpsAccess,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]) ?? 'staff';
    if (access === 'public') return true;
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (access === 'ops') {
      const decision = await this.ops.decide(request.headers);
      throwUnlessAllowed(decision);
      if (decision.kind === 'allow') request.staff = decision.staff;
      return true;
    }
    const credentials = staffCredentials(request);
    if (credentials.kind === 'none') {
      throw new UnauthorizedException(
        'Log in first: send Authorization: Bearer <accessToken> (POST /api/auth/login), or sign in to the staff web app (POST /api/auth/session)',
      );
    }
    if (credentials.kind === 'forged') throw new ForbiddenException({ error: 'csrf_refused', message: credentials.message });
    const { staff, expiresAt } = await this.auth.verifySession(credentials.token);
    if (access === 'admin' && staff.role !== 'admin') throw new ForbiddenException('Only an admin may do this');
    request.staff = staff;
    request.staffSessionExpiresAt = expiresAt;
    return true;
  }
}

/** The signed-in staff member. */
export const Staff = createParamDecorator((_: unknown, context: ExecutionContext): StaffPrincipal => {
  const staff = context.switchToHttp().getRequest<AuthenticatedRequest>().staff;
  if (!staff) throw new UnauthorizedException();
  return staff;
});
