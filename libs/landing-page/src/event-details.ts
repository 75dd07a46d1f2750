import { googleCalendarUrl, googleMapsUrl, outlookCalendarUrl, placeholderValues } from '@appointments/notification-content';
import { escapeHtml, httpUrl, mailtoUrl, telUrl } from './html';
import type { LandingEvent } from './landing-view';

/** When the meeting is, in the event's time zone, as notification-content writes it in emails and SMS. */
export interface MeetingTime {
  /** `Thursday, January 15, 2026` */
  date: string;
  /** `2:00 PM – 3:30 PM`, or with the end date when the meeting ends on another day. */
  hours: string;
  /** `America/New_York` */
  timeZone: string;
  /** `1 hour 30 minutes` */
  duration: string;
}

/**
 * The meeting's date, hours and duration in `event.timeZone`, through notification-content's
 * `placeholderValues` (the same words the customer read in the email or SMS). Throws its
 * `TemplateRenderError` for an unreadable start, end, time zone or locale.
 */
export function meetingTime(event: LandingEvent, locale: string | null | undefined): MeetingTime {
  const values = placeholderValues({
    customerName: '',
    customerTitle: event.customerTitle,
    start: event.start,
    end: event.end,
    timeZone: event.timeZone,
    organizerName: event.organizer?.name ?? '',
    ...(locale ? { locale } : {}),
  });
  const sameDay = values.date === values.endDate;
  return {
    date: values.date,
    hours: sameDay ? `${values.time} – ${values.endTime}` : `${values.time} – ${values.endDate}, ${values.endTime}`,
    timeZone: values.timeZone,
    duration: values.duration,
  };
}

/** The `<dd>` content for "When". */
export function whenHtml(event: LandingEvent, time: MeetingTime): string {
  return (
    `<time datetime="${escapeHtml(event.start)}">${escapeHtml(time.date)}</time><br>` +
    `${escapeHtml(time.hours)} <span class="lp-zone">(${escapeHtml(time.timeZone)})</span>`
  );
}

/** The rows of the details list: when, duration, where, online, contact, plus any `extra` rows (already HTML). */
export function detailsHtml(event: LandingEvent, time: MeetingTime, extra: readonly [string, string][] = []): string {
  const rows: [string, string][] = [
    ['When', whenHtml(event, time)],
    ['Duration', escapeHtml(time.duration)],
  ];
  const where = locationHtml(event.location);
  if (where) rows.push(['Where', where]);
  const online = videoHtml(event.videoUrl);
  if (online) rows.push(['Online meeting', online]);
  const contact = contactHtml(event);
  if (contact) rows.push(['Contact', contact]);
  rows.push(...extra);
  return `<dl class="lp-details">\n${rows.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${value}</dd></div>`).join('\n')}\n</dl>`;
}

/** The address linked to Google Maps; a location that is itself a web address is linked as it is. */
function locationHtml(location: string | null | undefined): string | null {
  const text = typeof location === 'string' ? location.trim() : '';
  if (!text) return null;
  const direct = httpUrl(text);
  if (direct) return externalLink(direct, escapeHtml(text));
  return externalLink(googleMapsUrl(text), `${escapeHtml(text)}<span class="lp-visually-hidden"> (map)</span>`);
}

/** "Join the online meeting", linked when the video link is http(s); otherwise the text as it is. */
function videoHtml(videoUrl: string | null | undefined): string | null {
  const text = typeof videoUrl === 'string' ? videoUrl.trim() : '';
  if (!text) return null;
  const url = httpUrl(text);
  return url ? externalLink(url, 'Join the online meeting') : escapeHtml(text);
}

function contactHtml(event: LandingEvent): string | null {
  const organizer = event.organizer;
  if (!organizer) return null;
  const lines: string[] = [];
  if (organizer.name?.trim()) lines.push(escapeHtml(organizer.name.trim()));
  const phone = organizer.phone?.trim();
  if (phone) {
    const tel = telUrl(phone);
    lines.push(tel ? `<a href="${escapeHtml(tel)}">${escapeHtml(phone)}</a>` : escapeHtml(phone));
  }
  const email = organizer.email?.trim();
  if (email) {
    const mailto = mailtoUrl(email);
    lines.push(mailto ? `<a href="${escapeHtml(mailto)}">${escapeHtml(email)}</a>` : escapeHtml(email));
  }
  return lines.length > 0 ? lines.join('<br>') : null;
}

/** Google Calendar, Outlook and the `.ics` file, as list items. */
export function calendarLinksHtml(event: LandingEvent, icsPath: string): string {
  const calendarEvent = {
    title: event.customerTitle,
    start: event.start,
    end: event.end,
    location: event.location?.trim() || event.videoUrl?.trim() || null,
  };
  return [
    `<li>${externalLink(googleCalendarUrl(calendarEvent), 'Google Calendar')}</li>`,
    `<li>${externalLink(outlookCalendarUrl(calendarEvent), 'Outlook')}</li>`,
    `<li><a href="${escapeHtml(icsPath)}" download>Apple Calendar and others (.ics)</a></li>`,
  ].join('\n');
}

/** A link away from the page: no referrer (the URL holds the landing token), no opener. `label` is HTML. */
function externalLink(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${label}</a>`;
}
