import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The confirm step of a cancellation. The preview issues a token bound to the event and to
 * its version at that moment; the send must bring it back. The token is an HMAC, so nothing
 * is stored and any replica can check it, and it stops being valid when it expires or when
 * the event changes after the preview (staff must see what they cancel).
 *
 * Format: `<expiry in epoch seconds, base 36>.<base64url HMAC-SHA256 of "cancel:<event id>:<version>:<expiry>">`.
 */
export class CancellationConfirmation {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  issue(event: { id: string; version: number }, now = Date.now()): { token: string; expiresAt: string } {
    const expiry = Math.floor(now / 1000) + this.ttlSeconds;
    return { token: `${expiry.toString(36)}.${this.sign(event, expiry)}`, expiresAt: new Date(expiry * 1000).toISOString() };
  }

  /** Why the token does not confirm a cancellation of this event as it is now; null when it does. */
  problemWith(token: string | undefined, event: { id: string; version: number }, now = Date.now()): string | null {
    if (!token) return 'A cancellation must be confirmed: preview it first and send it with the confirmationToken the preview returns';
    const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    const expiry = match ? parseInt(match[1], 36) : NaN;
    if (!match || !Number.isSafeInteger(expiry) || !this.matches(match[2], this.sign(event, expiry))) {
      return 'The confirmationToken does not confirm a cancellation of this event as it is now (the event changed, or the token is for another event); preview the cancellation again';
    }
    if (expiry * 1000 <= now) return 'The confirmationToken has expired; preview the cancellation again';
    return null;
  }

  private sign(event: { id: string; version: number }, expiry: number): string {
    return createHmac('sha256', this.secret).update(`cancel:${event.id}:${event.version}:${expiry}`).digest('base64url');
  }

  private matches(given: string, expected: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
