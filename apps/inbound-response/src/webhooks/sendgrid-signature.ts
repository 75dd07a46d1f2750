import { EventWebhook } from '@sendgrid/eventwebhook';

/**
 * `valid`: signed with the key, within the tolerance. `missing`: a header is absent.
 * `invalid`: the signature does not verify. `stale`: the signed timestamp is further from now
 * than the tolerance (a replay, or a clock far off). `not_required`: no key is configured and
 * unsigned events are allowed (development and tests). `unconfigured`: no key is configured
 * and unsigned events are not allowed (production): every request is refused.
 */
export type SendGridSignatureCheck = 'valid' | 'missing' | 'invalid' | 'stale' | 'not_required' | 'unconfigured';

export interface SendGridSignatureOptions {
  /** Base64 DER SubjectPublicKeyInfo, as SendGrid shows it; unset: see `acceptUnsigned`. */
  verificationKey: string | undefined;
  /** How far the signed timestamp may be from now, either way, in seconds. */
  toleranceSeconds: number;
  /** Without a key: true takes events unsigned (development, tests), false refuses them all (production). */
  acceptUnsigned: boolean;
}

/** A unix time in seconds, as SendGrid writes it in the timestamp header. */
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * SendGrid's signed event webhook: ECDSA P-256 / SHA-256 over the timestamp header followed
 * by the body exactly as received (re-serialised JSON would not verify). The SDK reads the
 * body as UTF-8, so a body that is not valid UTF-8 never verifies. The timestamp is signed,
 * so a captured request cannot be given a fresh one: one whose timestamp is more than the
 * tolerance from now is refused as a replay, before its signature costs a verification.
 */
export class SendGridSignature {
  private readonly webhook = new EventWebhook();
  private readonly publicKey: ReturnType<EventWebhook['convertPublicKeyToECDSA']> | null;
  private readonly toleranceSeconds: number;
  private readonly acceptUnsigned: boolean;

  constructor(options: SendGridSignatureOptions) {
    this.publicKey = options.verificationKey ? this.webhook.convertPublicKeyToECDSA(options.verificationKey) : null;
    this.toleranceSeconds = options.toleranceSeconds;
    this.acceptUnsigned = options.acceptUnsigned;
  }

  /** True when a verification key is configured: every event must be signed with it. */
  get required(): boolean {
    return this.publicKey !== null;
  }

  /** `now`: the time to measure the timestamp against, in milliseconds. */
  check(rawBody: Buffer, signature: string | undefined, timestamp: string | undefined, now = Date.now()): SendGridSignatureCheck {
    if (!this.publicKey) return this.acceptUnsigned ? 'not_required' : 'unconfigured';
    if (!signature || !timestamp) return 'missing';
    if (!UNIX_SECONDS.test(timestamp)) return 'invalid';
    if (Math.abs(now / 1000 - Number(timestamp)) > this.toleranceSeconds) return 'stale';
    try {
      return this.webhook.verifySignature(this.publicKey, rawBody, signature, timestamp) ? 'valid' : 'invalid';
    } catch {
      return 'invalid'; // not base64 DER at all
    }
  }
}
