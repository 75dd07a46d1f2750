import { BoundedMemo } from './bounded-memo';
import { readEventSpan } from './event-instant';
import { TemplateRenderError } from './template-render-error';

/** What an add-to-calendar link pre-fills. */
export interface CalendarLinkEvent {
  title: string;
  /** ISO-8601 instant with an offset or `Z`, or epoch milliseconds. */
  start: string | number;
  end: string | number;
  description?: string | null;
  location?: string | null;
}

/**
 * A Google Calendar "create event" link:
 * `https://calendar.google.com/calendar/render?action=TEMPLATE&text=…&dates=20260115T190000Z%2F20260115T203000Z&details=…&location=…`.
 * Times are UTC with `Z`; `details` and `location` are left out when empty.
 * Throws `TemplateRenderError` for an unreadable start or end, or an end before the start.
 */
export function googleCalendarUrl(event: CalendarLinkEvent): string {
  const span = readUtcSpan(event);
  return withQuery('https://calendar.google.com/calendar/render', [
    ['action', 'TEMPLATE'],
    ['text', event.title],
    ['dates', `${span.compactStart}/${span.compactEnd}`],
    ['details', event.description],
    ['location', event.location],
  ]);
}

/**
 * An Outlook.com "add event" link:
 * `https://outlook.live.com/calendar/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&startdt=2026-01-15T19:00:00Z&enddt=…&subject=…&body=…&location=…`.
 * Times are UTC with `Z`; `body` and `location` are left out when empty. (Microsoft 365
 * accounts use `outlook.office.com` with the same parameters.)
 * Throws `TemplateRenderError` for an unreadable start or end, or an end before the start.
 */
export function outlookCalendarUrl(event: CalendarLinkEvent): string {
  const span = readUtcSpan(event);
  return withQuery('https://outlook.live.com/calendar/deeplink/compose', [
    ['path', '/calendar/action/compose'],
    ['rru', 'addevent'],
    ['startdt', span.isoStart],
    ['enddt', span.isoEnd],
    ['subject', event.title],
    ['body', event.description],
    ['location', event.location],
  ]);
}

/**
 * A Google Maps search for an address (no API key needed):
 * `https://www.google.com/maps/search/?api=1&query=1%20Main%20St`.
 * Throws `TemplateRenderError` for an empty address.
 */
export function googleMapsUrl(address: string): string {
  const query = typeof address === 'string' ? address.trim() : '';
  if (!query) throw new TemplateRenderError(['address: is empty']);
  return withQuery('https://www.google.com/maps/search/', [
    ['api', '1'],
    ['query', query],
  ]);
}

/** A meeting's start and end in UTC as the links write them: `20260115T190000Z` and `2026-01-15T19:00:00Z`. */
interface UtcSpan {
  compactStart: string;
  compactEnd: string;
  isoStart: string;
  isoEnd: string;
}

/** Parsed and formatted once per meeting (see BoundedMemo): each landing page view shows both links. */
const utcSpans = new BoundedMemo<UtcSpan>(20_000);

function readUtcSpan(event: CalendarLinkEvent): UtcSpan {
  return utcSpans.get(`${typeof event.start}:${String(event.start)}|${typeof event.end}:${String(event.end)}`, () => {
    const problems: string[] = [];
    const span = readEventSpan(event.start, event.end, problems);
    if (!span) throw new TemplateRenderError(problems);
    const [start, end] = [span.start.toUTC(), span.end.toUTC()];
    const compact = "yyyyMMdd'T'HHmmss'Z'";
    const iso = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    return {
      compactStart: start.toFormat(compact),
      compactEnd: end.toFormat(compact),
      isoStart: start.toFormat(iso),
      isoEnd: end.toFormat(iso),
    };
  });
}

/** `base?name=value&…` with every value passed through `encodeURIComponent`; empty values are left out. */
function withQuery(base: string, params: readonly (readonly [string, string | null | undefined])[]): string {
  const query = params
    .filter((param): param is readonly [string, string] => typeof param[1] === 'string' && param[1].trim() !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  return `${base}?${query}`;
}
