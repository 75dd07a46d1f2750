import { MinBytes, NotAPublishedSecret, Secret, ServiceConfig, StringList } from '@appointments/config';
import {
  ArrayMinSize,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

export const TRACKABLE_FIELDS = ['start', 'end', 'timeZone', 'location', 'videoUrl', 'description'] as const;

export class SchedulingConfig extends ServiceConfig {
  /** Port of `/health` (scheduling has no public HTTP API; the gateway talks to it over AMQP). */
  @IsInt() @Min(1) @Max(65535) SCHEDULING_PORT = 3002;

  /** Fields whose change after a notification makes the event `update_due`. */
  @StringList()
  @ArrayMinSize(1)
  @IsIn(TRACKABLE_FIELDS, { each: true })
  SIGNIFICANT_FIELDS: string[] = ['start', 'end', 'timeZone', 'location', 'videoUrl'];

  /**
   * Signs the `confirmationToken` a cancellation preview returns (HMAC-SHA256): at least 32
   * bytes, the same on every scheduling replica. Required in production; elsewhere, when not
   * set, a random one is made at start (`cancellationTokenSecret`).
   */
  @Secret()
  @ValidateIf((config: SchedulingConfig) => config.NODE_ENV === 'production' || config.CANCELLATION_TOKEN_SECRET !== undefined)
  @IsDefined({ message: 'CANCELLATION_TOKEN_SECRET must be set in production (at least 32 bytes)' })
  @IsString()
  @MinBytes(32)
  @NotAPublishedSecret()
  CANCELLATION_TOKEN_SECRET: string | undefined = undefined;

  /** How long a cancellation preview's confirmationToken stays valid. */
  @IsInt() @Min(30) @Max(24 * 3600) CANCELLATION_TOKEN_TTL_SECONDS = 900;

  /**
   * Domains verified with the email provider (SPF/DKIM). An email whose sender address is
   * on another domain is refused (422), and so is saving such a sender in the settings.
   */
  @StringList()
  @ArrayMinSize(1)
  @Matches(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i, {
    each: true,
    message: 'each verified domain must be a domain name such as example.com',
  })
  VERIFIED_SENDER_DOMAINS: string[] = ['example.com'];

  /** The sender until staff change it in the settings (`PUT /api/settings/sender`). */
  @IsEmail({}, { message: 'must be an email address' }) MAIL_FROM_EMAIL = 'appointments@example.com';
  @IsString() @MaxLength(100) MAIL_FROM_NAME = 'Appointments';
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['https', 'http'], require_protocol: true },
    { message: 'MAIL_FROM_IMAGE_URL must be an http(s) URL' },
  )
  MAIL_FROM_IMAGE_URL: string | undefined = undefined;
}
