import { RESPONSE_TYPES } from '@appointments/domain';
import type { ResponseType } from '@appointments/domain';

/** `/m/<token>`: the landing page. The token is URL-encoded (a real one is base64url and stays as it is). */
export function landingPath(token: string): string {
  return `/m/${encodeURIComponent(token)}`;
}

/** `/m/<token>/accept` (…`decline`, …`reschedule`): where an answer's form posts. */
export function responsePath(token: string, response: ResponseType): string {
  return `${landingPath(token)}/${response}`;
}

/** `/m/<token>/calendar.ics`: the event as an iCalendar file. */
export function calendarFilePath(token: string): string {
  return `${landingPath(token)}/calendar.ics`;
}

/**
 * `/m/<token>?done=accept`: where a successful answer's POST redirects (303 See Other), so a
 * reload shows the page again instead of posting twice. Read `done` back with `readResponseType`.
 */
export function pathAfterResponse(token: string, response: ResponseType): string {
  return `${landingPath(token)}?done=${response}`;
}

/**
 * A response type from a query or form value (`?done=`, `?action=`, the action in the path),
 * or null for anything else (missing, repeated, unknown, another case).
 */
export function readResponseType(value: unknown): ResponseType | null {
  return typeof value === 'string' && (RESPONSE_TYPES as readonly string[]).includes(value) ? (value as ResponseType) : null;
}
