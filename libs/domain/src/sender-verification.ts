/**
 * Email may only be sent from a domain the operator verified with the provider (domain
 * authentication: SPF and DKIM). Verification is per domain: `mail.example.com` is its own
 * domain and is not covered by `example.com`, as with SendGrid's domain authentication.
 */
import { SenderNotVerified } from './errors';

/** The domain part of an address, lower-cased; null when the address has none. */
export function senderDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return null;
  return email
    .slice(at + 1)
    .trim()
    .toLowerCase();
}

export function isSenderVerified(email: string, verifiedDomains: readonly string[]): boolean {
  const domain = senderDomain(email);
  return domain !== null && verifiedDomains.some((verified) => verified.trim().toLowerCase() === domain);
}

/** Throws `SenderNotVerified` (HTTP 422) for an address outside the verified domains. */
export function assertSenderVerified(email: string, verifiedDomains: readonly string[]): void {
  if (!isSenderVerified(email, verifiedDomains)) throw new SenderNotVerified(email, verifiedDomains);
}
