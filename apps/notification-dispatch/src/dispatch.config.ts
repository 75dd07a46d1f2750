import { Secret, ServiceConfig } from '@appointments/config';
import { IsDefined, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf } from 'class-validator';

const TWILIO_TOGETHER =
  'to send SMS through Twilio set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together; TWILIO_AUTH_TOKEN alone only signs webhooks (SMS go to the local sink)';
/** A sending credential is set: Twilio is meant to send, so all three are needed. The auth token alone signs webhooks only. */
const twilioSendingSetting = (config: DispatchConfig) => Boolean(config.TWILIO_ACCOUNT_SID || config.TWILIO_FROM);
/** Production must name a provider for each channel, or ask for the local sink (`DELIVERY_SINK=local`): messages are never kept locally by mistake. */
const providerRequired = (config: DispatchConfig) => config.NODE_ENV === 'production' && config.DELIVERY_SINK !== 'local';
const NO_PROVIDER_IN_PRODUCTION = (channel: string, variables: string) =>
  `${channel} has no provider: in production set ${variables}, or DELIVERY_SINK=local to keep ${channel} messages in the local sink on purpose`;

export class DispatchConfig extends ServiceConfig {
  /** Port of `/health`; the service's work arrives over AMQP. */
  @IsInt() @Min(1) @Max(65535) DISPATCH_PORT = 3003;

  /**
   * `local`: a channel without a provider delivers to the local sink (GET /api/dev/outbox), in
   * production too. Unset: the same outside production; production refuses to start while a
   * channel has no provider.
   */
  @IsOptional() @IsIn(['local'], { message: 'DELIVERY_SINK must be local or unset' }) DELIVERY_SINK: 'local' | undefined = undefined;

  /** When set, email goes through SendGrid; otherwise to the local delivery sink (GET /api/dev/outbox). */
  @Secret()
  @ValidateIf((config: DispatchConfig) => providerRequired(config) || config.SENDGRID_API_KEY !== undefined)
  @IsDefined({ message: NO_PROVIDER_IN_PRODUCTION('email', 'SENDGRID_API_KEY') })
  @IsString()
  SENDGRID_API_KEY: string | undefined = undefined;

  /**
   * When all three are set, SMS goes through Twilio; otherwise to the local delivery sink.
   * `TWILIO_FROM` is an E.164 number or a Messaging Service SID (`MG…`). The account SID or the
   * sender without the other two stops the service; `TWILIO_AUTH_TOKEN` alone does not (it is the
   * webhook signing token inbound-response shares: "local sink, signed webhooks").
   */
  @ValidateIf((config: DispatchConfig) => twilioSendingSetting(config) || providerRequired(config))
  @IsDefined({ message: NO_PROVIDER_IN_PRODUCTION('SMS', 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM') })
  @IsNotEmpty({ message: TWILIO_TOGETHER })
  @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits' })
  TWILIO_ACCOUNT_SID: string | undefined = undefined;
  @Secret()
  @ValidateIf((config: DispatchConfig) => twilioSendingSetting(config) || config.TWILIO_AUTH_TOKEN !== undefined)
  @IsNotEmpty({ message: TWILIO_TOGETHER })
  @IsString()
  TWILIO_AUTH_TOKEN: string | undefined = undefined;
  @ValidateIf(twilioSendingSetting)
  @IsNotEmpty({ message: TWILIO_TOGETHER })
  @Matches(/^(?:\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, { message: 'TWILIO_FROM must be an E.164 number or a Messaging Service SID (MG…)' })
  TWILIO_FROM: string | undefined = undefined;
  /**
   * Provider calls that take longer are abandoned. A timeout is not resent (the provider may
   * have the message): the provider's report settles it, see DELIVERY_OUTCOME_WAIT_MS.
   */
  @IsInt() @Min(1000) @Max(120_000) PROVIDER_TIMEOUT_MS = 10_000;

  /** Public URL of the gateway, for links in messages (landing pages). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_BASE_URL = 'http://localhost:3000';
  /** Public URL of inbound-response as providers reach it: Twilio's statusCallback points there. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_WEBHOOK_BASE_URL = 'http://localhost:3001';

  /** A landing link keeps working this many days after the event ends. */
  @IsInt() @Min(0) @Max(365) LANDING_TOKEN_DAYS_AFTER_END = 7;

  /** Provider calls that fail transiently are retried this many times, with backoff and jitter. */
  @IsInt() @Min(0) @Max(20) DELIVERY_MAX_ATTEMPTS = 5;
  @IsInt() @Min(10) DELIVERY_RETRY_BASE_MS = 2000;
  /** How often pending deliveries are looked for (retries, and work a stopped process left behind). */
  @IsInt() @Min(50) DELIVERY_SWEEP_MS = 1000;
  /**
   * A provider call that started this long ago without an outcome was interrupted (the
   * process stopped). It is reconciled with the provider where possible, never resent blindly.
   */
  @IsInt() @Min(10_000) DELIVERY_INTERRUPTED_AFTER_MS = 5 * 60_000;
  /** How long an interrupted call waits for the provider's own report before it is marked failed. */
  @IsInt() @Min(0) DELIVERY_OUTCOME_WAIT_MS = 60 * 60_000;

  /** How often staged reminders that are due are looked for (and released, see `StagedReminderRelease`). */
  @IsInt() @Min(10) @Max(60_000) REMINDER_RELEASE_POLL_MS = 100;
  /** Staged reminder rows released together at most (one transaction, one release check). */
  @IsInt() @Min(1) @Max(10_000) REMINDER_RELEASE_BATCH = 1000;

  /**
   * Release passes that may run at once. A pass waits on scheduling's release check most of its
   * time; a second one takes other due rows meanwhile (`SKIP LOCKED`), so a pass that runs long
   * does not hold back the reminders that fall due during it.
   */
  @IsInt() @Min(1) @Max(16) REMINDER_RELEASE_CONCURRENCY = 2;

  /**
   * SMS conversations (docs/conversations.md): messages older than this many days are purged
   * hourly; 0 (the default) keeps them all.
   */
  @IsInt() @Min(0) @Max(36_500) CONVERSATION_RETENTION_DAYS = 0;

  /** Whether Twilio is fully configured. */
  get twilioConfigured(): boolean {
    return Boolean(this.TWILIO_ACCOUNT_SID && this.TWILIO_AUTH_TOKEN && this.TWILIO_FROM);
  }
}
