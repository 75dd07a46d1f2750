import { ServiceConfig } from '@appointments/config';
import { IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, registerDecorator } from 'class-validator';
import { createPublicKey } from 'node:crypto';

export class InboundConfig extends ServiceConfig {
  /** Public port: provider webhooks (`/webhooks/*`) and `/health`. */
  @IsInt() @Min(1) @Max(65535) INBOUND_PORT = 3001;

  /**
   * The URL providers call, as they see it (signatures are computed over it, not over the
   * Host header). Without a trailing slash; a path prefix is kept (`https://hooks.example.com/inbound`).
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_WEBHOOK_BASE_URL = 'http://localhost:3001';

  /**
   * The Twilio account's auth token, which signs Twilio's webhooks (or, with the local SMS sink,
   * the webhook signing token `npm start` makes and shares with the gateway's phone simulator).
   * Unset: every Twilio webhook is refused (403).
   */
  @IsOptional() @IsString() TWILIO_AUTH_TOKEN: string | undefined = undefined;

  /**
   * SendGrid's event webhook verification key (base64 DER SubjectPublicKeyInfo of a P-256
   * key, as SendGrid shows it). Set: every SendGrid event webhook must be signed with it.
   * Unset: in production every SendGrid event webhook is refused (403); in development and
   * tests, events are accepted without a signature.
   */
  @IsOptional() @IsP256PublicKey() SENDGRID_WEBHOOK_VERIFICATION_KEY: string | undefined = undefined;

  /**
   * How far (seconds, either way) the signed `X-Twilio-Email-Event-Webhook-Timestamp` may be
   * from this service's clock: further, a signed request is refused (403) as a replay.
   */
  @IsInt() @Min(30) @Max(86_400) SENDGRID_WEBHOOK_TOLERANCE_SECONDS = 300;

  /** Unsigned SendGrid events are taken only without a key and outside production. */
  get sendGridAcceptsUnsigned(): boolean {
    return !this.SENDGRID_WEBHOOK_VERIFICATION_KEY && this.NODE_ENV !== 'production';
  }

  /** Answered (TwiML) to an SMS `HELP` or `INFO`. */
  @IsString()
  @MaxLength(1600)
  SMS_HELP_TEXT =
    'Appointments: reply with the code in our message to answer it (1 confirm, 2 reschedule, 3 decline). Reply STOP to opt out, START to opt back in.';

  /**
   * Answered (TwiML) to an SMS from a number with no open notification; `none`: no reply (an
   * empty variable means the default). The message is logged either way.
   */
  @IsString()
  @MaxLength(1600)
  SMS_NO_OPEN_NOTIFICATION_REPLY =
    'Thanks for your message. We could not match it to an open appointment request; please contact us directly.';

  /** The reply to a number with no open notification, or null for none. */
  get smsNoOpenNotificationReply(): string | null {
    const text = this.SMS_NO_OPEN_NOTIFICATION_REPLY.trim();
    return text === '' || text.toLowerCase() === 'none' ? null : text;
  }

  /**
   * How long an inbound SMS may wait for others to be applied with it (group commit): a few
   * milliseconds of latency for far fewer statements and commits per SMS under load. 0: at once.
   */
  @IsInt() @Min(0) @Max(100) SMS_GROUP_LINGER_MS = 5;

  /** How long the SMS webhook waits for notification-dispatch to find the notification a reply answers. */
  @IsInt() @Min(100) @Max(10_000) SMS_REPLY_LOOKUP_TIMEOUT_MS = 3000;
}

function IsP256PublicKey() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isP256PublicKey',
      target: target.constructor,
      propertyName,
      options: { message: 'must be a base64 DER (SPKI) public key on the P-256 curve, as SendGrid shows it' },
      validator: { validate: isP256PublicKey },
    });
}

function isP256PublicKey(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}
