import { DateTime, IANAZone } from 'luxon';
import { BoundedMemo } from './bounded-memo';
import { readIsoInstant } from './event-instant';
import { TemplateRenderError } from './template-render-error';

/** The event's data at send time, as the renderer needs it. */
export interface NotificationContext {
  customerName: string;
  /** The customer-facing meeting title. */
  customerTitle: string;
  /** ISO-8601 instants with an offset or `Z`. */
  start: string;
  end: string;
  /** IANA time zone the customer sees the meeting in. */
  timeZone: string;
  location?: string | null;
  videoUrl?: string | null;
  description?: string | null;
  organizerName: string;
  organizerEmail?: string | null;
  organizerPhone?: string | null;
  landingUrl?: string | null;
  /** BCP 47 locale for dates, times and durations; default `en-US`. */
  locale?: string;
}

/**
 * Every name a template may use as `{{name}}`. Anything else is refused, both by
 * `checkTemplateSyntax` and at render time.
 */
export const TEMPLATE_PLACEHOLDERS = [
  'customerName',
  'customerTitle',
  'date',
  'time',
  'endDate',
  'endTime',
  'timeZone',
  'duration',
  'location',
  'videoUrl',
  'description',
  'organizerName',
  'organizerEmail',
  'organizerPhone',
  'landingUrl',
] as const;

export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

export const DEFAULT_LOCALE = 'en-US';

/**
 * The value of every placeholder for one event, as plain (unescaped) text. Dates and times
 * are those of `ctx.timeZone` in `ctx.locale`; the duration is measured between the two
 * instants, so a meeting across a DST change keeps its real length.
 *
 * Examples (en-US): date `Thursday, January 15, 2026`, time `2:00 PM`,
 * duration `1 hour 30 minutes` / `45 minutes`; `location` falls back to the video link.
 */
export function placeholderValues(ctx: NotificationContext): Record<TemplatePlaceholder, string> {
  const location = text(ctx.location).trim() || text(ctx.videoUrl).trim();
  return {
    customerName: text(ctx.customerName),
    customerTitle: text(ctx.customerTitle),
    ...eventTimes(ctx),
    timeZone: ctx.timeZone,
    location,
    videoUrl: text(ctx.videoUrl),
    description: text(ctx.description),
    organizerName: text(ctx.organizerName),
    organizerEmail: text(ctx.organizerEmail),
    organizerPhone: text(ctx.organizerPhone),
    landingUrl: text(ctx.landingUrl),
  };
}

type EventTimes = Pick<Record<TemplatePlaceholder, string>, 'date' | 'time' | 'endDate' | 'endTime' | 'duration'>;

/**
 * The date, time and duration texts of a meeting, kept for the last 20,000 meetings: an
 * email, its SMS and every view of the landing page ask for the same ones, and formatting in
 * a time zone is most of what rendering a short message costs (a landing page viewed by
 * thousands of customers in turn needs them all at hand, not the last thousand).
 */
const eventTimesMemo = new BoundedMemo<EventTimes>(20_000);

function eventTimes(ctx: NotificationContext): EventTimes {
  const key = `${ctx.locale ?? DEFAULT_LOCALE}|${String(ctx.timeZone)}|${String(ctx.start)}|${String(ctx.end)}`;
  return eventTimesMemo.get(key, () => {
    const problems: string[] = [];
    const locale = canonicalLocale(ctx.locale ?? DEFAULT_LOCALE, problems);
    if (typeof ctx.timeZone !== 'string' || !isKnownZone(ctx.timeZone)) {
      problems.push(`timeZone: "${String(ctx.timeZone)}" is not an IANA time zone`);
    }
    const start = readIsoInstant('start', ctx.start, problems);
    const end = readIsoInstant('end', ctx.end, problems);
    if (start && end && end < start) problems.push('end: the meeting ends before it starts');
    if (problems.length > 0 || !start || !end) throw new TemplateRenderError(problems);

    const zonedStart = start.setZone(ctx.timeZone).setLocale(locale);
    const zonedEnd = end.setZone(ctx.timeZone).setLocale(locale);
    return {
      date: formatDate(zonedStart),
      time: formatTime(zonedStart),
      endDate: formatDate(zonedEnd),
      endTime: formatTime(zonedEnd),
      duration: formatDuration(Math.round(end.diff(start).as('minutes')), locale),
    };
  });
}

function text(value: string | null | undefined): string {
  return value == null ? '' : String(value);
}

/*
 * Building an Intl formatter costs far more than using one (luxon's zone check builds one
 * too), and every notification asks the same few questions: the answers are kept.
 */
const knownZones = new BoundedMemo<boolean>(1000);
const unitFormats = new BoundedMemo<Intl.NumberFormat>(1000);
const canonicalLocales = new BoundedMemo<string | null>(1000);

function isKnownZone(zone: string): boolean {
  return knownZones.get(zone, () => IANAZone.isValidZone(zone));
}

function unitFormat(locale: string, unit: 'day' | 'hour' | 'minute'): Intl.NumberFormat {
  return unitFormats.get(`${locale}|${unit}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }));
}

function canonicalLocale(locale: string, problems: string[]): string {
  const canonical = canonicalLocales.get(locale, () => canonicalise(locale));
  if (canonical) return canonical;
  problems.push(`locale: "${String(locale)}" is not a BCP 47 locale`);
  return DEFAULT_LOCALE;
}

function canonicalise(locale: string): string | null {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * ICU (Node ≥ 20) puts a narrow no-break space before "PM" and no-break spaces elsewhere.
 * They are invisible in an email but make an SMS fall back to UCS-2 (70 characters a
 * segment instead of 160), so every placeholder uses ordinary spaces.
 */
function plainSpaces(value: string): string {
  return value.replace(/[\u00A0\u2007\u202F]/g, ' ');
}

function formatDate(dt: DateTime): string {
  return plainSpaces(dt.toLocaleString({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }));
}

function formatTime(dt: DateTime): string {
  return plainSpaces(dt.toLocaleString({ hour: 'numeric', minute: '2-digit' }));
}

function formatDuration(totalMinutes: number, locale: string): string {
  const days = Math.floor(totalMinutes / (24 * 60));
  const hours = Math.floor((totalMinutes % (24 * 60)) / 60);
  const minutes = totalMinutes % 60;
  const unit = (value: number, name: 'day' | 'hour' | 'minute') => plainSpaces(unitFormat(locale, name).format(value));
  const parts: string[] = [];
  if (days > 0) parts.push(unit(days, 'day'));
  if (hours > 0) parts.push(unit(hours, 'hour'));
  if (minutes > 0 || parts.length === 0) parts.push(unit(minutes, 'minute'));
  return parts.join(' ');
}
