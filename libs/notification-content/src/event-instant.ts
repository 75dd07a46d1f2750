import { DateTime } from 'luxon';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T.*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Reads an ISO-8601 instant with an offset or `Z` (`2026-01-15T19:00:00Z`,
 * `2026-07-02T09:00:00-04:00`), keeping its offset. A local time without an offset is
 * refused: it would silently be read in the server's time zone. Returns null and adds a
 * problem prefixed with `field` when the value cannot be read.
 */
export function readIsoInstant(field: string, value: unknown, problems: string[]): DateTime | null {
  const parsed = typeof value === 'string' && ISO_WITH_OFFSET.test(value) ? DateTime.fromISO(value, { setZone: true }) : null;
  if (!parsed || !parsed.isValid) {
    problems.push(`${field}: "${String(value)}" is not an ISO-8601 instant with an offset`);
    return null;
  }
  return parsed;
}

/**
 * Reads an event time given either as an ISO-8601 instant with an offset (see
 * `readIsoInstant`) or as epoch milliseconds (a whole number ≥ 0). Neither form depends on
 * the server's time zone. Returns null and adds a problem when the value cannot be read.
 */
export function readEventInstant(field: string, value: unknown, problems: string[]): DateTime | null {
  if (typeof value !== 'number') return readIsoInstant(field, value, problems);
  if (Number.isSafeInteger(value) && value >= 0) return DateTime.fromMillis(value, { zone: 'utc' });
  problems.push(`${field}: ${String(value)} is not a time in epoch milliseconds (a whole number, 0 or more)`);
  return null;
}

/**
 * Reads an event's start and end (ISO-8601 with an offset, or epoch milliseconds) and
 * checks that it does not end before it starts. Returns null when any problem was added.
 */
export function readEventSpan(start: unknown, end: unknown, problems: string[]): { start: DateTime; end: DateTime } | null {
  const from = readEventInstant('start', start, problems);
  const to = readEventInstant('end', end, problems);
  if (!from || !to) return null;
  if (to < from) {
    problems.push('end: the meeting ends before it starts');
    return null;
  }
  return { start: from, end: to };
}
