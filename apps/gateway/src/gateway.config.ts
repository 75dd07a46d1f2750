import { ServiceConfig } from '@appointments/config';
import { IsEmail, IsInt, IsNotIn, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-change-me';
export const DEVELOPMENT_ADMIN_PASSWORD = 'admin-password';

export class GatewayConfig extends ServiceConfig {
  @IsInt() @Min(1) @Max(65535) GATEWAY_PORT = 3000;

  /** Signs staff access tokens (HS256). Must be set, and long, in production. */
  @IsString()
  @MinLength(16)
  @ValidateIf((config: GatewayConfig) => config.NODE_ENV === 'production')
  @IsNotIn([DEVELOPMENT_JWT_SECRET], { message: 'JWT_SECRET must be set to a secret of your own in production' })
  JWT_SECRET = DEVELOPMENT_JWT_SECRET;

  /** Lifetime of a staff access token. */
  @IsInt() @Min(60) @Max(24 * 3600) ACCESS_TOKEN_TTL_SECONDS = 900;

  /** The first admin, created at start when no staff user has this email. */
  @IsEmail({}, { message: 'must be an email address' }) ADMIN_EMAIL = 'admin@example.com';
  @IsString()
  @MinLength(8)
  @ValidateIf((config: GatewayConfig) => config.NODE_ENV === 'production')
  @IsNotIn([DEVELOPMENT_ADMIN_PASSWORD], { message: 'ADMIN_PASSWORD must be set to a password of your own in production' })
  ADMIN_PASSWORD = DEVELOPMENT_ADMIN_PASSWORD;
  @IsString() @MaxLength(100) ADMIN_NAME = 'Admin';

  /**
   * HMAC-SHA256 key of the landing pages' form tokens (CSRF). When not set, a key derived
   * from JWT_SECRET is used; set it (16+ characters, the same on every gateway replica) to
   * rotate it on its own.
   */
  @IsOptional() @IsString() @MinLength(16) LANDING_CSRF_SECRET: string | undefined = undefined;

  /** How long a landing page's forms stay valid after the page was shown. */
  @IsInt() @Min(300) @Max(7 * 24 * 3600) LANDING_FORM_TTL_SECONDS = 24 * 3600;
  /**
   * How long the landing pages keep a token's view and its event in memory (0: not at all).
   * An event is dropped at once when scheduling changes it (see LandingViews).
   */
  @IsInt() @Min(0) @Max(3600) LANDING_CACHE_SECONDS = 300;
  /** Most tokens (and as many events) the landing pages keep in memory; the oldest go first. */
  @IsInt() @Min(100) @Max(10_000_000) LANDING_CACHE_ENTRIES = 50_000;

  /** Failed logins allowed per (client address, email) in LOGIN_THROTTLE_WINDOW_SECONDS; then 429 with Retry-After. */
  @IsInt() @Min(1) @Max(1_000_000) LOGIN_MAX_FAILURES = 10;
  /** Login attempts (failed or not) allowed per client address in LOGIN_THROTTLE_WINDOW_SECONDS; then 429. */
  @IsInt() @Min(1) @Max(1_000_000) LOGIN_MAX_ATTEMPTS_PER_ADDRESS = 100;
  /** The login throttle's window (fixed, from the first counted attempt), shared by the gateway replicas through Redis. */
  @IsInt() @Min(1) @Max(24 * 3600) LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60;
}
