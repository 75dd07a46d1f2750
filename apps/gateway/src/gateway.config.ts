import { MinBytes, NotAPublishedSecret, Secret, ServiceConfig } from '@appointments/config';
import { randomBytes } from 'node:crypto';
import { IsDefined, IsEmail, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

const inProductionOrSet = (variable: 'JWT_SECRET' | 'ADMIN_PASSWORD') => (config: GatewayConfig) =>
  config.NODE_ENV === 'production' || config[variable] !== undefined;

export class GatewayConfig extends ServiceConfig {
  @IsInt() @Min(1) @Max(65535) GATEWAY_PORT = 3000;

  /**
   * Signs staff access tokens (HS256): at least 32 bytes, the same on every gateway replica.
   * Required in production. Elsewhere, when not set, a random one is made at start (tokens then
   * end with the process; `npm start` keeps one in `.local/dev-secrets.json`).
   */
  @Secret()
  @ValidateIf(inProductionOrSet('JWT_SECRET'))
  @IsDefined({ message: 'JWT_SECRET must be set in production (at least 32 bytes)' })
  @IsString()
  @MinBytes(32)
  @NotAPublishedSecret()
  JWT_SECRET: string | undefined = undefined;

  /** Lifetime of a staff access token. */
  @IsInt() @Min(60) @Max(24 * 3600) ACCESS_TOKEN_TTL_SECONDS = 900;

  /**
   * How long a token's user is remembered as current (not deleted, not disabled, same password
   * and role) before the database is asked again; 0: asked on every request. A change made
   * through this gateway applies at once; through another replica, within this time.
   */
  @IsInt() @Min(0) @Max(60_000) STAFF_USER_CACHE_MS = 5000;

  /** The first admin, created at start when no staff user has this email. */
  @IsEmail({}, { message: 'must be an email address' }) ADMIN_EMAIL = 'admin@example.com';
  /**
   * The first admin's password (at least 12 characters). Required in production. Elsewhere, when
   * not set, a random one is made and printed when the admin is created.
   */
  @Secret()
  @ValidateIf(inProductionOrSet('ADMIN_PASSWORD'))
  @IsDefined({ message: 'ADMIN_PASSWORD must be set in production (at least 12 characters)' })
  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters long' })
  @MaxLength(200)
  @NotAPublishedSecret()
  ADMIN_PASSWORD: string | undefined = undefined;
  @IsString() @MaxLength(100) ADMIN_NAME = 'Admin';

  /**
   * HMAC-SHA256 key of the landing pages' form tokens (CSRF). When not set, a key derived
   * from JWT_SECRET is used; set it (16+ characters, the same on every gateway replica) to
   * rotate it on its own.
   */
  @Secret() @IsOptional() @IsString() @MinLength(16) LANDING_CSRF_SECRET: string | undefined = undefined;

  /**
   * The gateway's public URL, as customers and staff reach it (the links in messages use the
   * same variable). When it is https, every answer carries HSTS.
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_BASE_URL = 'http://localhost:3000';

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

  /**
   * The bearer token a Prometheus server sends for the gateway's `GET /metrics`
   * (`Authorization: Bearer <token>`, compared in constant time), at least 32 characters. When not
   * set, `/metrics` is open outside production and answers 404 in production. The other services'
   * `/metrics` are not published outside their network and need no token.
   */
  @Secret() @IsOptional() @IsString() @MinLength(32) @NotAPublishedSecret() METRICS_TOKEN: string | undefined = undefined;

  /** Where the staff web app's build is (Vite's output: `index.html`, `assets/`); unset: `dist/apps/staff-web`. */
  @IsOptional() @IsString() STAFF_WEB_DIR: string | undefined = undefined;

  /**
   * The phone simulator (`/api/dev/phone`, local SMS sink only) posts its replies to
   * inbound-response's real Twilio webhook: where the gateway reaches it (no trailing slash)…
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) INBOUND_RESPONSE_URL = 'http://127.0.0.1:3001';
  /** …the public URL inbound-response checks signatures against (give both services the same value)… */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_WEBHOOK_BASE_URL = 'http://localhost:3001';
  /** …and the token it signs them with, inbound-response's `TWILIO_AUTH_TOKEN` (`npm start` makes one). Unset: replies answer 503. */
  @Secret() @IsOptional() @IsString() @MinLength(1) TWILIO_AUTH_TOKEN: string | undefined = undefined;
  /** Our number, the `To` of a simulated reply; unset (or a Messaging Service SID): `+15005550006`. */
  @IsOptional() @IsString() TWILIO_FROM: string | undefined = undefined;

  /** Whether the gateway is reached over https (HSTS, Secure cookies). */
  get servedOverHttps(): boolean {
    return this.PUBLIC_BASE_URL.startsWith('https:');
  }
}

/** The provider token of the gateway's `GatewaySecrets`. */
export const GATEWAY_SECRETS = Symbol('GATEWAY_SECRETS');

/** The secrets the gateway runs with: the configured ones, or (outside production) ones made for this process. */
export interface GatewaySecrets {
  jwtSecret: string;
  adminPassword: string;
  /** Which of them were made at start rather than configured. */
  generated: { jwtSecret: boolean; adminPassword: boolean };
}

/** Configuration validation guarantees both are set in production; elsewhere what is missing is made now, at random. */
export function gatewaySecrets(config: GatewayConfig): GatewaySecrets {
  return {
    jwtSecret: config.JWT_SECRET ?? randomBytes(48).toString('base64url'),
    adminPassword: config.ADMIN_PASSWORD ?? randomBytes(15).toString('base64url'),
    generated: { jwtSecret: config.JWT_SECRET === undefined, adminPassword: config.ADMIN_PASSWORD === undefined },
  };
}
