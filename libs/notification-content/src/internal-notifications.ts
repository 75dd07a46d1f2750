import { DateTime } from 'luxon';
import { readHttpUrl } from './http-url';
import { DEFAULT_LOCALE, NotificationContext, placeholderValues } from './placeholders';
import type { EmailContent } from './email';
import { escapeHtml } from './html-escape';
import { plainLine } from './plain-line';

/**
 * Internal notifications: what followers of an event (the organizer, ...) are told when the
 * customer answers. Written as code, separate from the customer-facing templates staff edit:
 * staff cannot break them, and a customer's words (name, reason) only ever appear as
 * escaped values, never as template source.
 */

/** The response a follower is told about. */
export interface ResponseNotice {
  response: 'accept' | 'decline' | 'reschedule';
  /** As the customer typed it; null or blank for none. */
  reason?: string | null;
  /** `email_link`, `sms_link`, `sms_reply` (anything else is shown as it is). */
  channel: string;
  /** ISO-8601 instant. */
  respondedAt: string;
  /** How staff call the meeting (the template's name, "Site visit"). */
  meetingName: string;
  /** The follower the email goes to (for the greeting). */
  followerName?: string | null;
  /** A link to the event in the staff app, when there is one (http(s) only; anything else is left out). */
  eventUrl?: string | null;
}

const VERBS: Readonly<Record<ResponseNotice['response'], string>> = {
  accept: 'accepted',
  decline: 'declined',
  reschedule: 'asked to reschedule',
};

const CHANNEL_WORDS: Readonly<Record<string, string>> = {
  email_link: 'the link in the email',
  sms_link: 'the link in the SMS',
  sms_reply: 'an SMS reply',
};

/** Longest reason shown in a subject line; the body always has all of it. */
const SUBJECT_REASON_LENGTH = 80;

/**
 * The follower email about a customer's response, from the event's data (`ctx`: customer
 * name, date, time, time zone, location as the customer's notifications show them).
 *
 * - subject: "Ann Lee accepted Site visit on Thursday, January 15, 2027 at 2:00 PM",
 *   "… declined …: <reason>", "… asked to reschedule …: <reason>" (plain text, one line);
 * - html: a small document with every value HTML-escaped;
 * - text: the same as lines.
 */
export function renderResponseNotice(notice: ResponseNotice, ctx: NotificationContext): EmailContent {
  const values = placeholderValues(ctx);
  const customer = values.customerName.trim() || 'The customer';
  const verb = VERBS[notice.response] ?? notice.response;
  const reason = notice.reason?.trim() ? notice.reason.trim() : null;
  const when = `${values.date} at ${values.time}`;
  const subject = plainLine(
    `${customer} ${verb} ${notice.meetingName} on ${when}${reason ? `: ${shorten(reason, SUBJECT_REASON_LENGTH)}` : ''}`,
  );

  const answeredAt = formatInstant(notice.respondedAt, ctx.timeZone, ctx.locale ?? DEFAULT_LOCALE);
  const rows: [string, string][] = [
    ['Customer', customer],
    ['Answer', verb],
    ...(reason ? [['Reason', reason] as [string, string]] : []),
    ['Through', CHANNEL_WORDS[notice.channel] ?? notice.channel],
    ['Answered', answeredAt],
    ['Meeting', `${notice.meetingName}, ${when} (${values.timeZone}), ${values.duration}`],
    ...(values.location ? [['Location', values.location] as [string, string]] : []),
  ];
  const eventUrl = readHttpUrl(notice.eventUrl)?.toString() ?? null;
  const greeting = notice.followerName?.trim() ? `Hello ${notice.followerName.trim()},` : 'Hello,';
  const headline = `${customer} ${verb} ${notice.meetingName} on ${when}.`;

  const text = [
    greeting,
    '',
    headline,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    ...(eventUrl ? ['', `Open the event: ${eventUrl}`] : []),
    '',
    'You receive this because you follow this event.',
  ].join('\n');

  const html = `<!DOCTYPE html>
<html lang="${escapeHtml(ctx.locale ?? DEFAULT_LOCALE)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111827;background:#ffffff">
<p>${escapeHtml(greeting)}</p>
<p><strong>${escapeHtml(headline)}</strong></p>
<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse">
${rows.map(([label, value]) => `<tr><th align="left" valign="top" style="padding-right:12px;color:#4b5563;font-weight:normal">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
${eventUrl ? `<p><a href="${escapeHtml(eventUrl)}">Open the event</a></p>\n` : ''}<p style="color:#6b7280;font-size:13px">You receive this because you follow this event.</p>
</body>
</html>`;
  return { subject, html, text };
}

/** The same notice as one SMS line (a follower reached by SMS). */
export function renderResponseNoticeSms(notice: ResponseNotice, ctx: NotificationContext): string {
  return renderResponseNotice(notice, ctx).subject;
}

function shorten(value: string, length: number): string {
  const line = plainLine(value);
  return line.length <= length ? line : `${line.slice(0, length - 1).trimEnd()}…`;
}

function formatInstant(iso: string, timeZone: string, locale: string): string {
  const instant = DateTime.fromISO(iso, { setZone: true });
  if (!instant.isValid) return iso;
  return instant
    .setZone(timeZone)
    .setLocale(locale)
    .toLocaleString({
      weekday: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    })
    .replace(/[\u00A0\u2007\u202F]/g, ' ');
}
