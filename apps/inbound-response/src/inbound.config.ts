import { ServiceConfig } from '@appointments/config';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min, registerDecorator } from 'class-validator';
import { createPublicKey } from 'node:crypto';

export class InboundConfig extends ServiceConfig {
  /** Public port: provider webhooks (`/webhooks/*`) and `/health`. */
  @IsInt() @Min(1) @Max(65535) INBOUND_PORT = 3001;

  /**
   * The URL providers call, as they see it (signatures are computed over it, not over the
   * Host header). Without a trailing slash; a path prefix is kept (`https://hooks.example.com/inbound`).
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_WEBHOOK_BASE_URL = 'http://localhost:3001';

  /** The Twilio account's auth token, which signs Twilio's webhooks. Unset: every Twilio webhook is refused (403). */
  @IsOptional() @IsString() TWILIO_AUTH_TOKEN: string | undefined = undefined;

  /**
   * SendGrid's event webhook verification key (base64 DER SubjectPublicKeyInfo of a P-256
   * key, as SendGrid shows it). Set: every SendGrid event webhook must be signed with it.
   * Unset: SendGrid events are accepted without a signature.
   */
  @IsOptional() @IsP256PublicKey() SENDGRID_WEBHOOK_VERIFICATION_KEY: string | undefined = undefined;
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
