/**
 * The event's internal title, rendered from the template's title pattern, e.g.
 * `"{status} – {customerName} with {organizerName}"` → `"CONFIRMED – Jane Doe with Sam"`.
 * Re-rendered on every status change; status labels are configurable per template.
 */
import type { BookingStatus } from './vocabulary';

export const DEFAULT_STATUS_LABELS: Record<BookingStatus, string> = Object.freeze({
  draft: 'DRAFT',
  booked: 'BOOKED',
  invited: 'INVITED',
  confirmed: 'CONFIRMED',
  declined: 'DECLINED',
  rescheduling: 'RESCHEDULING',
  cancelled: 'CANCELLED',
});

/** The placeholders a title pattern may use, as written in the pattern. */
export const TITLE_PLACEHOLDERS = ['{status}', '{customerName}', '{organizerName}', '{customerTitle}'] as const;
export type TitlePlaceholder = (typeof TITLE_PLACEHOLDERS)[number];

export interface EventTitleValues {
  bookingStatus: BookingStatus;
  customerName: string;
  organizerName?: string;
  customerTitle?: string;
  /** Per-template overrides of `DEFAULT_STATUS_LABELS`. */
  statusLabels?: Partial<Record<BookingStatus, string>>;
}

/** Anything in braces counts as a placeholder, so that `{ status }` or `{Status}` are reported, not silently kept. */
const PLACEHOLDER = /\{[^{}]*\}/g;

/**
 * Replaces every known placeholder in one pass (a value that itself contains `{status}` is
 * not expanded again), leaves unknown ones as written, collapses runs of spaces left by
 * empty values and trims.
 */
export function renderEventTitle(pattern: string, values: EventTitleValues): string {
  const replacements: Record<TitlePlaceholder, string> = {
    '{status}': values.statusLabels?.[values.bookingStatus] ?? DEFAULT_STATUS_LABELS[values.bookingStatus],
    '{customerName}': values.customerName,
    '{organizerName}': values.organizerName ?? '',
    '{customerTitle}': values.customerTitle ?? '',
  };
  return pattern
    .replace(PLACEHOLDER, (placeholder) => (isTitlePlaceholder(placeholder) ? replacements[placeholder] : placeholder))
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** The placeholders in `pattern` that `renderEventTitle` does not know, each once, in order of appearance. */
export function findUnknownTitlePlaceholders(pattern: string): string[] {
  const unknown: string[] = [];
  for (const placeholder of pattern.match(PLACEHOLDER) ?? []) {
    if (!isTitlePlaceholder(placeholder) && !unknown.includes(placeholder)) unknown.push(placeholder);
  }
  return unknown;
}

function isTitlePlaceholder(text: string): text is TitlePlaceholder {
  return (TITLE_PLACEHOLDERS as readonly string[]).includes(text);
}
