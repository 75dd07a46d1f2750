import { Body, Controller, Get, Headers, Inject, Post, Query, Req, Res, UnauthorizedException, UseFilters } from '@nestjs/common';
import { OpsRoute, PublicRoute } from '@appointments/observability';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { LoginThrottled } from '../auth/login-throttle';
import { GatewayConfig } from '../gateway.config';
import { isSameOriginPost, LandingFormToken, PostOriginHeaders } from '../landing/landing-form-token';
import { newNonce, redirectAfterPost, sendPage } from '../landing/landing-page-reply';
import { clearedOpsSessionCookie, OPS_COOKIE_PATH, OPS_DASHBOARD_PATH, OPS_LOGIN_PATH, OpsAccess, opsSessionCookie } from './ops-access';
import { readCookie } from '../auth/request-credentials';
import { OpsSignInRedirectFilter } from './ops-sign-in-redirect';
import { OPS_CSRF_FIELD_NAME, OpsLoginPageView, renderOpsLoginPage } from './ops-login-page';

/** The form token of the sign-in page: the landing pages' HMAC form token, with a key of its own. */
export const OPS_LOGIN_FORM_TOKEN = Symbol('OPS_LOGIN_FORM_TOKEN');
/** A random value per browser (HttpOnly, SameSite=Strict) that the form token is bound to: a token read by another site is worthless without it. */
export const OPS_LOGIN_NONCE_COOKIE = 'ops_login';
/** How long the sign-in form stays valid. */
export const OPS_LOGIN_FORM_TTL_SECONDS = 3600;

type FormBody = Record<string, string | string[] | undefined> | undefined;

/**
 * Sign-in for the ops dashboards in a browser, which cannot send `Authorization: Bearer`:
 * `POST /ops/login` checks the staff credentials with AuthService (no other credential store)
 * and keeps the access token in an HttpOnly, SameSite=Strict cookie for `/ops` only. The form
 * is protected against forgery like the landing pages' (HMAC form token and the browser's
 * `Sec-Fetch-Site` / `Origin`), the token also bound to a per-browser cookie.
 */
@ApiExcludeController()
@OpsRoute()
@UseFilters(OpsSignInRedirectFilter)
@Controller('ops')
export class OpsLoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly access: OpsAccess,
    private readonly config: GatewayConfig,
    @Inject(OPS_LOGIN_FORM_TOKEN) private readonly formTokens: LandingFormToken,
  ) {}

  /** `/ops` itself: the dashboard (an admin gets there, anyone else is asked to sign in by the guard). */
  @Get()
  index(@Res() reply: FastifyReply): void {
    void reply.status(302).headers({ location: OPS_DASHBOARD_PATH, 'cache-control': 'no-store' }).send();
  }

  @PublicRoute()
  @Get('login')
  async form(@Req() request: FastifyRequest, @Query('signed-out') signedOut: unknown, @Res() reply: FastifyReply): Promise<void> {
    const decision = await this.access.decide({ cookie: request.headers.cookie });
    this.sendForm(request, reply, 200, {
      signedInAs: decision.kind === 'allow' ? decision.staff.email : null,
      ...(signedOut === '1' ? { message: { kind: 'info', text: 'You are signed out.' } } : {}),
    });
  }

  @PublicRoute()
  @Post('login')
  async signIn(
    @Req() request: FastifyRequest,
    @Body() body: FormBody,
    @Headers() headers: PostOriginHeaders,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const form = body && typeof body === 'object' ? body : {};
    if (!this.isGenuineForm(request, headers, form)) {
      this.sendForm(request, reply, 403, {
        message: { kind: 'error', text: 'This form has expired or was not sent from this site. Please sign in again.' },
      });
      return;
    }
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    if (!email || !password || email.length > 320 || password.length > 200) {
      this.sendForm(request, reply, 400, { email, message: { kind: 'error', text: 'Enter your email and password.' } });
      return;
    }
    let accessToken: string;
    try {
      ({ accessToken } = await this.auth.login(email, password, request.ip));
    } catch (error) {
      if (error instanceof LoginThrottled) {
        void reply.header('retry-after', String(error.retryAfterSeconds));
        const minutes = Math.ceil(error.retryAfterSeconds / 60);
        this.sendForm(request, reply, 429, {
          email,
          message: {
            kind: 'error',
            text: `Too many sign-in attempts. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
          },
        });
        return;
      }
      if (!(error instanceof UnauthorizedException)) throw error;
      this.sendForm(request, reply, 401, { email, message: { kind: 'error', text: 'Wrong email or password.' } });
      return;
    }
    const decision = await this.access.decide({ authorization: `Bearer ${accessToken}` });
    if (decision.kind !== 'allow') {
      this.sendForm(request, reply, 403, {
        email,
        message: { kind: 'error', text: 'The ops dashboards are for admins only; your account is not an admin.' },
      });
      return;
    }
    void reply.header(
      'set-cookie',
      opsSessionCookie(accessToken, { maxAgeSeconds: this.config.ACCESS_TOKEN_TTL_SECONDS, secure: this.isHttps(request) }),
    );
    redirectAfterPost(reply, OPS_DASHBOARD_PATH);
  }

  /** Ends the browser's session: open to anyone who posts the page's form (it only ever removes the cookie). */
  @PublicRoute()
  @Post('logout')
  signOut(@Req() request: FastifyRequest, @Body() body: FormBody, @Headers() headers: PostOriginHeaders, @Res() reply: FastifyReply): void {
    const form = body && typeof body === 'object' ? body : {};
    if (!this.isGenuineForm(request, headers, form)) {
      this.sendForm(request, reply, 403, { message: { kind: 'error', text: 'This form has expired or was not sent from this site.' } });
      return;
    }
    void reply.header('set-cookie', clearedOpsSessionCookie({ secure: this.isHttps(request) }));
    redirectAfterPost(reply, `${OPS_LOGIN_PATH}?signed-out=1`);
  }

  /** Same-origin per the browser, and a form token this gateway issued to this browser not long ago. */
  private isGenuineForm(request: FastifyRequest, headers: PostOriginHeaders, form: Record<string, string | string[] | undefined>): boolean {
    const browserNonce = readCookie(request.headers.cookie, OPS_LOGIN_NONCE_COOKIE);
    if (!browserNonce || !isSameOriginPost(headers)) return false;
    return this.formTokens.verify(formSubject(browserNonce), form[OPS_CSRF_FIELD_NAME]);
  }

  /** Cookies are Secure when the gateway's public URL is https, or the request came over TLS (directly or through a trusted proxy). */
  private isHttps(request: FastifyRequest): boolean {
    return this.config.servedOverHttps || isHttps(request);
  }

  /** The sign-in page with a fresh form token, bound to this browser's nonce (made now when it has none). */
  private sendForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    view: Omit<OpsLoginPageView, 'nonce' | 'csrfToken'>,
  ): void {
    let browserNonce = readCookie(request.headers.cookie, OPS_LOGIN_NONCE_COOKIE);
    if (!browserNonce || !/^[A-Za-z0-9_-]{22,64}$/.test(browserNonce)) {
      browserNonce = newNonce();
      const attributes = [
        `${OPS_LOGIN_NONCE_COOKIE}=${browserNonce}`,
        `Path=${OPS_COOKIE_PATH}`,
        `Max-Age=${OPS_LOGIN_FORM_TTL_SECONDS}`,
        'HttpOnly',
        'SameSite=Strict',
      ];
      if (this.isHttps(request)) attributes.push('Secure');
      void reply.header('set-cookie', attributes.join('; '));
    }
    const nonce = newNonce();
    sendPage(reply, status, renderOpsLoginPage({ ...view, nonce, csrfToken: this.formTokens.issue(formSubject(browserNonce)) }), nonce);
  }
}

function formSubject(browserNonce: string): string {
  return `ops-login:${browserNonce}`;
}

/**
 * Whether the request reached us over https: `request.protocol` follows `X-Forwarded-Proto` only
 * from a proxy TRUST_PROXY trusts (service-host), so a client cannot claim it.
 */
export function isHttps(request: Pick<FastifyRequest, 'protocol'>): boolean {
  return request.protocol === 'https';
}
