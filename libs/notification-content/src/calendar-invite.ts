import { Attendee, createEvent, EventAttributes } from 'ics';
import path from 'node:path';
import { readEventSpan } from './event-instant';
import { readHttpUrl } from './http-url';
import { TemplateRenderError } from './template-render-error';
import { plainLine } from './plain-line';

/**
 * iCalendar UID of an event's entry in the customer's calendar: stable for the event's life, so
 * every email's `.ics` and the landing page's download update one entry (an update or a
 * cancellation finds the entry it replaces by this UID).
 */
export function calendarUid(eventId: string): string {
  return `${eventId}@appointments`;
}

/** iTIP method of an invite: `REQUEST` for a new or changed meeting, `CANCEL` to remove it. */
export type CalendarMethod = 'REQUEST' | 'CANCEL';

export interface CalendarInviteInput {
  method: CalendarMethod;
  /** Stable for the life of the meeting: an update or cancellation with the same UID moves or removes the entry. */
  uid: string;
  /** 0 for the first invite; raise it for every update and for the cancellation. */
  sequence: number;
  /** ISO-8601 instant with an offset or `Z`, or epoch milliseconds. */
  start: string | number;
  end: string | number;
  title: string;
  description?: string | null;
  location?: string | null;
  /** Absolute http(s) link shown with the event (the landing page, say). */
  url?: string | null;
  /** Should be the address the email is sent from, or some clients ignore updates. */
  organizer: { name: string; email: string };
  /** The recipient. Without an email address the invite has no ATTENDEE line. */
  attendee: { name: string; email?: string | null };
}

/** An `.ics` file ready to attach (`content` is the text; base64 it for SendGrid). */
export interface CalendarAttachment {
  filename: 'invite.ics' | 'cancel.ics';
  /** Its `method=` always equals the file's `METHOD`. */
  contentType: `text/calendar; method=${CalendarMethod}`;
  content: string;
}

const PRODUCT_ID = '-//Appointments//Notification Content//EN';

/**
 * Builds an iCalendar invite (RFC 5545 / iTIP RFC 5546) with the `ics` package.
 *
 * - `METHOD` is set explicitly (`ics` would say `PUBLISH`); `UID` and `SEQUENCE` are the
 *   given ones; `DTSTAMP` is now. Times are handed to `ics` as epoch milliseconds and
 *   written in UTC (`…Z`), so the server's time zone cannot shift the meeting.
 * - `REQUEST`: ORGANIZER, and the recipient as ATTENDEE (`RSVP=TRUE`,
 *   `PARTSTAT=NEEDS-ACTION`, `ROLE=REQ-PARTICIPANT`).
 * - `CANCEL`: the same plus `STATUS:CANCELLED`; the attendee has `RSVP=FALSE` (there is
 *   nothing to answer). Neither method carries a `VALARM`.
 * - A recipient without an email address gets no ATTENDEE line (it could not be a
 *   calendar address).
 * - Title, location and names are made one line (control characters become spaces); the
 *   description keeps its line breaks (`ics` escapes them, and `,` `;` `\` in every text).
 *   In names (`CN=`) `"` becomes `'`: a parameter value cannot contain a double quote.
 *
 * Throws `TemplateRenderError` for unreadable or inconsistent input, and with `ics`'s own
 * messages (prefixed `calendarInvite:`) when it refuses the event, e.g. a malformed email.
 */
export function buildCalendarInvite(input: CalendarInviteInput): CalendarAttachment {
  const event = inviteAttributes(input);
  const { error, value } = formatInvite(event);
  if (error || !value) throw new TemplateRenderError(icsProblems(error));
  return {
    filename: event.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
    contentType: event.method === 'CANCEL' ? 'text/calendar; method=CANCEL' : 'text/calendar; method=REQUEST',
    content: value,
  };
}

/** The input checked field by field and turned into `ics`'s attributes; throws `TemplateRenderError` listing every problem. */
export function inviteAttributes(input: CalendarInviteInput): EventAttributes {
  const problems: string[] = [];
  const method = input.method;
  if (method !== 'REQUEST' && method !== 'CANCEL') problems.push(`method: "${String(method)}" is not REQUEST or CANCEL`);
  if (typeof input.uid !== 'string' || input.uid.trim() === '' || CONTROL_CHARACTER.test(input.uid)) {
    problems.push('uid: must be a non-empty text without control characters');
  }
  if (!Number.isSafeInteger(input.sequence) || input.sequence < 0) {
    problems.push(`sequence: ${String(input.sequence)} is not a whole number, 0 or more`);
  }
  const span = readEventSpan(input.start, input.end, problems);
  const title = oneLine(input.title);
  if (!title) problems.push('title: is empty');
  const url = present(input.url) ? readHttpUrl(input.url) : null;
  if (present(input.url) && !url) problems.push(`url: "${String(input.url)}" is not an http or https URL`);
  const organizerEmail = typeof input.organizer?.email === 'string' ? input.organizer.email.trim() : '';
  if (!organizerEmail) problems.push('organizer.email: is required (the address the invite is sent from)');
  else if (!EMAIL_ADDRESS.test(organizerEmail)) problems.push(`organizer.email: "${organizerEmail}" is not an email address`);
  const attendeeAddress = typeof input.attendee?.email === 'string' ? input.attendee.email.trim() : '';
  if (attendeeAddress && !EMAIL_ADDRESS.test(attendeeAddress))
    problems.push(`attendee.email: "${attendeeAddress}" is not an email address`);
  if (problems.length > 0 || !span) throw new TemplateRenderError(problems);

  const description = present(input.description) ? multiLine(input.description) : '';
  const location = oneLine(input.location);
  const attendeeEmail = typeof input.attendee?.email === 'string' ? input.attendee.email.trim() : '';
  const attendee: Attendee = {
    name: parameterText(input.attendee?.name),
    email: attendeeEmail,
    rsvp: method === 'REQUEST',
    partstat: 'NEEDS-ACTION',
    role: 'REQ-PARTICIPANT',
  };

  const event: EventAttributes = {
    productId: PRODUCT_ID,
    method,
    uid: input.uid,
    sequence: input.sequence,
    start: span.start.toMillis(),
    end: span.end.toMillis(),
    title,
    ...(description ? { description } : {}),
    ...(location ? { location } : {}),
    ...(url ? { url: url.href } : {}),
    ...(method === 'CANCEL' ? { status: 'CANCELLED' as const } : {}),
    organizer: { name: parameterText(input.organizer.name), email: organizerEmail },
    ...(attendeeEmail ? { attendees: [attendee] } : {}),
  };

  return event;
}

const CONTROL_CHARACTER = /[\u0000-\u001F\u007F]/;
/** Enough to keep a broken ORGANIZER/ATTENDEE line out of the file; the addresses were validated where they were entered. */
const EMAIL_ADDRESS = /^[^\s@<>",;:]+@[^\s@<>",;:]+\.[^\s@<>",;:]+$/;

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Multi-line TEXT (the description): line breaks become LF, which `ics` escapes; other controls but tab go. */
function multiLine(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');
}

/** One-line TEXT (title, location): line breaks and other control characters become spaces. */
function oneLine(value: string | null | undefined): string {
  return typeof value === 'string' ? plainLine(value) : '';
}

/** A `CN=` parameter value: one line, and no double quote (RFC 5545 has no escape for it). */
function parameterText(value: string | null | undefined): string {
  return oneLine(value).replace(/"/g, "'");
}

/**
 * `ics` reports validation failures as a copy of yup's ValidationError (a plain object with
 * `errors: string[]`, one per failed rule); anything else carries only a message.
 */
function icsProblems(error: unknown): string[] {
  const details = (error as { errors?: unknown } | null)?.errors;
  const messages =
    Array.isArray(details) && details.length > 0 && details.every((detail) => typeof detail === 'string')
      ? details
      : [(error as { message?: unknown } | null)?.message ?? 'ics could not build the event'];
  return messages.map((message) => `calendarInvite: ${String(message)}`);
}

/**
 * `ics`'s own build and format steps, without its yup validation. `createEvent` validates
 * each event twice, which was half the cost of composing an email; the input is checked
 * above already, field by field. The steps are not part of the package's exports map, so
 * they are loaded from beside its entry point, and when that fails (another layout in a
 * future version) `createEvent` is used. A unit test checks both give the same file.
 */
interface IcsPipeline {
  buildHeader(attributes: object): object;
  buildEvent(attributes: object): object;
  formatHeader(header: object): string;
  formatEvent(event: object): string;
  formatFooter(): string;
}

const icsPipeline: IcsPipeline | null = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pipeline = require(path.join(path.dirname(require.resolve('ics')), 'pipeline')) as Partial<IcsPipeline>;
    const complete = (['buildHeader', 'buildEvent', 'formatHeader', 'formatEvent', 'formatFooter'] as const).every(
      (name) => typeof pipeline[name] === 'function',
    );
    return complete ? (pipeline as IcsPipeline) : null;
  } catch {
    return null;
  }
})();

/** The `.ics` text of one event (see `icsPipeline`); `validated` forces `ics`'s own validation. */
export function formatInvite(event: EventAttributes, options: { validated?: boolean } = {}): { error?: unknown; value?: string | null } {
  if (!icsPipeline || options.validated) return createEvent(event);
  try {
    const value =
      icsPipeline.formatHeader(icsPipeline.buildHeader(event)) +
      icsPipeline.formatEvent(icsPipeline.buildEvent(event)) +
      icsPipeline.formatFooter();
    return { value };
  } catch (error) {
    return { error };
  }
}
