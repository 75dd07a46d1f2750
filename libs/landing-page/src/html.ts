import { escapeHtml, readHttpUrl } from '@appointments/notification-content';

export { escapeHtml };

/**
 * The value as an absolute `http:` or `https:` URL (normalised), or null for anything else:
 * relative links, `javascript:`, `data:`, text that is not a URL. Used for every link built
 * from staff- or customer-entered text (a video link, a location that is a URL).
 */
export function httpUrl(value: string | null | undefined): string | null {
  return readHttpUrl(value)?.href ?? null;
}

/** A `tel:` link for a phone number written by people (`+1 (555) 010-9999` → `tel:+15550109999`), or null without digits. */
export function telUrl(phone: string | null | undefined): string | null {
  if (typeof phone !== 'string') return null;
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.length === 0) return null;
  return `tel:${phone.trim().startsWith('+') ? '+' : ''}${digits}`;
}

/** A `mailto:` link for something that looks like one email address, or null. */
export function mailtoUrl(email: string | null | undefined): string | null {
  if (typeof email !== 'string') return null;
  const address = email.trim();
  return /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(address) ? `mailto:${address}` : null;
}
