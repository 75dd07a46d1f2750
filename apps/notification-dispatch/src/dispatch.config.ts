import { ServiceConfig } from '@appointments/config';
import { IsEmail, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';

export class DispatchConfig extends ServiceConfig {
  /** Port of `/health`; the service's work arrives over AMQP. */
  @IsInt() @Min(1) @Max(65535) DISPATCH_PORT = 3003;

  /** When set, email goes through SendGrid; otherwise to the local delivery sink (GET /api/dev/outbox). */
  @IsOptional() @IsString() SENDGRID_API_KEY: string | undefined = undefined;

  @IsEmail({}, { message: 'must be an email address' }) MAIL_FROM_EMAIL = 'appointments@example.com';
  @IsString() @MaxLength(100) MAIL_FROM_NAME = 'Appointments';

  /** Public URL of the gateway, for links in messages (landing pages). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_BASE_URL = 'http://localhost:3000';

  /** Provider calls that fail transiently are retried this many times, with backoff and jitter. */
  @IsInt() @Min(0) @Max(20) DELIVERY_MAX_ATTEMPTS = 5;
  @IsInt() @Min(10) DELIVERY_RETRY_BASE_MS = 2000;
  /** How often pending deliveries are looked for (retries, and work a stopped process left behind). */
  @IsInt() @Min(50) DELIVERY_SWEEP_MS = 1000;
}
