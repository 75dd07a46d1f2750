import { EventWebhook } from '@sendgrid/eventwebhook';

/** `not_required`: no verification key is configured, so SendGrid events are taken unsigned. */
export type SendGridSignatureCheck = 'valid' | 'missing' | 'invalid' | 'not_required';

/**
 * SendGrid's signed event webhook: ECDSA P-256 / SHA-256 over the timestamp header followed
 * by the body exactly as received (re-serialised JSON would not verify). The SDK reads the
 * body as UTF-8, so a body that is not valid UTF-8 never verifies.
 */
export class SendGridSignature {
  private readonly webhook = new EventWebhook();
  private readonly publicKey: ReturnType<EventWebhook['convertPublicKeyToECDSA']> | null;

  /** `verificationKey`: base64 DER SubjectPublicKeyInfo, as SendGrid shows it; unset to accept unsigned events. */
  constructor(verificationKey: string | undefined) {
    this.publicKey = verificationKey ? this.webhook.convertPublicKeyToECDSA(verificationKey) : null;
  }

  get required(): boolean {
    return this.publicKey !== null;
  }

  check(rawBody: Buffer, signature: string | undefined, timestamp: string | undefined): SendGridSignatureCheck {
    if (!this.publicKey) return 'not_required';
    if (!signature || !timestamp) return 'missing';
    try {
      return this.webhook.verifySignature(this.publicKey, rawBody, signature, timestamp) ? 'valid' : 'invalid';
    } catch {
      return 'invalid'; // not base64 DER at all
    }
  }
}
