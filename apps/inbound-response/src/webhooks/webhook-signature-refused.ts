/** A webhook request that cannot be shown to come from the provider; answered 403, nothing applied. */
export class WebhookSignatureRefused extends Error {
  override readonly name = 'WebhookSignatureRefused';

  constructor(
    readonly provider: 'twilio' | 'sendgrid',
    /** `stale`: SendGrid's signed timestamp is outside the tolerance (a replay). */
    readonly reason: 'missing' | 'invalid' | 'stale' | 'unconfigured',
  ) {
    super(`${provider} webhook refused: signature ${reason}`);
  }
}
