import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/**
 * Who may call a route, as metadata on its handler or controller. The gateway's one access
 * guard reads it from the route Nest matched (never from the URL string) and denies by
 * default: a route without a mark needs a staff token.
 * - `public`: anyone (login, the customer pages, the home page, `/health`);
 * - `staff`: a valid staff token (the default, so it is never written);
 * - `admin`: a valid staff token of an admin;
 * - `ops`: the ops dashboards: an admin's token from `Authorization: Bearer` or the ops
 *   session cookie; a browser without one is sent to the sign-in page.
 * The mark lives in this lib because `/health`, public on every service, is declared here.
 */
export type RouteAccess = 'public' | 'staff' | 'admin' | 'ops';

export const ROUTE_ACCESS = 'routeAccess';

/** Anyone may call the route (or every route of the controller): no token is read. OpenAPI: `x-public: true`, `security: []`. */
export const PublicRoute = () => applyDecorators(SetMetadata(ROUTE_ACCESS, 'public' satisfies RouteAccess), ApiExtension('x-public', true));

/** Only admins may call the route (or every route of the controller). OpenAPI: `x-admin-only: true`. */
export const AdminOnly = () =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, 'admin' satisfies RouteAccess), ApiExtension('x-admin-only', true));

/** The route belongs to the ops dashboards (admins, with the browser session cookie). */
export const OpsRoute = () => SetMetadata(ROUTE_ACCESS, 'ops' satisfies RouteAccess);
