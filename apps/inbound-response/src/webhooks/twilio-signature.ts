import { validateRequest } from 'twilio';

/** A form-encoded body as parsed: every field as received, a repeated field as an array. */
export type FormFields = Record<string, string | string[]>;

/** Why a request is (not) Twilio's: `unconfigured` means no auth token is set, so nothing can be trusted. */
export type TwilioSignatureCheck = 'valid' | 'missing' | 'invalid' | 'unconfigured';

/**
 * Twilio's request signature (`X-Twilio-Signature`): HMAC-SHA1, keyed with the account's
 * auth token, over the URL Twilio called followed by every POST field sorted by name;
 * checked by the SDK in constant time. The URL is rebuilt from the configured public base
 * URL and the path and query exactly as received, never from the Host header (a proxy or
 * TLS terminator in front changes what this process sees).
 */
export class TwilioSignature {
  private readonly publicBaseUrl: string;

  constructor(
    private readonly authToken: string | undefined,
    publicBaseUrl: string,
  ) {
    this.publicBaseUrl = publicBaseUrl.replace(/\/+$/, '');
  }

  get configured(): boolean {
    return Boolean(this.authToken);
  }

  /** `requestUrl`: path and query as received, e.g. `/webhooks/twilio/status?notificationId=…`. */
  check(signature: string | undefined, requestUrl: string, fields: FormFields): TwilioSignatureCheck {
    if (!this.authToken) return 'unconfigured';
    if (!signature) return 'missing';
    return validateRequest(this.authToken, signature, this.publicBaseUrl + requestUrl, fields) ? 'valid' : 'invalid';
  }
}
