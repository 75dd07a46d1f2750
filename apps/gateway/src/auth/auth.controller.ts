import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { GatewayConfig } from '../gateway.config';
import { isHttps } from '../ops/ops-login.controller';
import { AuthService, StaffSession } from './auth.service';
import { clearedStaffSessionCookie, staffSessionCookie } from './request-credentials';
import type { AuthenticatedRequest } from './staff-auth.guard';
import { PublicRoute } from '@appointments/observability';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' }) @IsEmail({}, { message: 'email must be an email address' }) email: string;
  @ApiProperty({ example: 'admin-password' }) @IsString() @MinLength(1) @MaxLength(200) password: string;
}

class AccessTokenDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: string;
  @ApiProperty({ example: 900, description: 'Seconds until the token expires' }) expiresIn: number;
}

class StaffDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'admin@example.com' }) email: string;
  @ApiProperty({ example: 'Admin' }) name: string;
  @ApiProperty({ enum: ['admin', 'staff'] }) role: string;
}

class StaffSessionDto {
  @ApiProperty({ type: StaffDto }) staff: StaffDto;
  @ApiProperty({ example: '2026-01-15T14:15:00.000Z', description: 'When the session (its access token) expires; sign in again then' })
  expiresAt: string;
}

const LOGIN_THROTTLED =
  'Too many failed logins for this email from this address, or too many attempts from this address, in 15 minutes; `Retry-After` gives the seconds to wait';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: GatewayConfig,
  ) {}

  @PublicRoute()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password' })
  @ApiTooManyRequestsResponse({ description: LOGIN_THROTTLED })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login(body.email, body.password, request.ip);
  }

  /**
   * The staff web app's sign-in: the same credential check and throttle as `login`, and the same
   * token, kept by the browser in the HttpOnly `staff_session` cookie instead of handed to script.
   */
  @PublicRoute()
  @Post('session')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in a browser: sets the HttpOnly, SameSite=Strict `staff_session` cookie (the same JWT as login)',
    description:
      'Requests signed in by the cookie that change something must carry `X-Requested-With: staff-web` and come from the app itself (`Sec-Fetch-Site: same-origin` when sent); otherwise 403.',
  })
  @ApiOkResponse({ type: StaffSessionDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password' })
  @ApiForbiddenResponse({ description: 'Sent from another site (Sec-Fetch-Site)' })
  @ApiTooManyRequestsResponse({ description: LOGIN_THROTTLED })
  async signIn(
    @Body() body: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StaffSession> {
    refuseCrossSite(request);
    const { accessToken } = await this.auth.login(body.email, body.password, request.ip);
    const session = await this.auth.verifySession(accessToken);
    const maxAgeSeconds = Math.max(0, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000));
    void reply.header('set-cookie', staffSessionCookie(accessToken, { maxAgeSeconds, secure: this.secureCookies(request) }));
    void reply.header('cache-control', 'no-store');
    return session;
  }

  /** Who is signed in (cookie or bearer token), or 401. */
  @Get('session')
  @ApiOperation({ summary: 'The signed-in staff member and when the session expires; 401 when not signed in' })
  @ApiOkResponse({ type: StaffSessionDto })
  @ApiUnauthorizedResponse({ description: 'Not signed in, or the session expired' })
  session(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): StaffSession {
    void reply.header('cache-control', 'no-store');
    return { staff: request.staff!, expiresAt: request.staffSessionExpiresAt! };
  }

  /**
   * Signs the browser out: removes the cookie. Open to anyone (it only ever removes the
   * cookie), but not from another site. The token itself stays valid until it expires.
   */
  @PublicRoute()
  @Delete('session')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign the browser out: clears the `staff_session` cookie' })
  @ApiNoContentResponse({ description: 'Signed out' })
  signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    refuseCrossSite(request);
    void reply.header('set-cookie', clearedStaffSessionCookie({ secure: this.secureCookies(request) }));
  }

  /** Cookies are Secure when the gateway's public URL is https, or the request came over TLS (directly or through a trusted proxy). */
  private secureCookies(request: FastifyRequest): boolean {
    return this.config.servedOverHttps || isHttps(request);
  }
}

/** A sign-in or sign-out another site's page made the browser send (login forgery): refused; a request without the header (curl, older browsers) is not. */
function refuseCrossSite(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new ForbiddenException({
      error: 'csrf_refused',
      message: 'Signing in or out must be done from the staff web app itself (Sec-Fetch-Site)',
    });
  }
}
