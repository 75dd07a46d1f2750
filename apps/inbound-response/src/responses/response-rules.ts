import { MAX_RESPONSE_REASON_LENGTH, type NotificationConfig } from '@appointments/contracts';
import type { ResponseType } from '@appointments/domain';

/**
 * The rules inbound-response applies before it records a response. Whether the event may
 * take it (not cancelled, the state machine) is scheduling's to decide when it applies
 * `CustomerResponded`.
 */

/** An identical answer to the same event within this time is the same answer given twice (a double click, a retried form). */
export const REPEATED_RESPONSE_WINDOW_MS = 10 * 60_000;

/** Whether the notification's landing page offers this action: its config has the button switched on. */
export function offersAction(config: Pick<NotificationConfig, 'buttons'>, action: ResponseType): boolean {
  return Boolean(config.buttons?.[action]);
}

/** Why a landing-page response is refused, in words for the customer's page; null when it may be recorded. */
export function landingRefusal(config: Pick<NotificationConfig, 'buttons'>, action: ResponseType): string | null {
  if (offersAction(config, action)) return null;
  const what = { accept: 'accepting', decline: 'declining', reschedule: 'asking to reschedule' }[action];
  return `This message does not offer ${what}; please contact the organizer instead`;
}

/**
 * The reason kept with a response: trimmed, and only for a decline or a reschedule whose
 * config asks for one (a reason sent for anything else is dropped); null when empty.
 */
export function keptReason(
  config: Pick<NotificationConfig, 'declineReason' | 'rescheduleReason'>,
  action: ResponseType,
  reason: string | null | undefined,
): string | null {
  const text = reason?.trim() ?? '';
  if (text === '') return null;
  const asked = (action === 'decline' && config.declineReason) || (action === 'reschedule' && config.rescheduleReason);
  return asked ? text : null;
}

/** Whether a reason is too long to keep (the landing form and the command say so too). */
export function reasonTooLong(reason: string | null | undefined): boolean {
  return (reason?.length ?? 0) > MAX_RESPONSE_REASON_LENGTH;
}

export interface ResponseFacts {
  response: ResponseType;
  reason: string | null;
}

/**
 * Whether `candidate` repeats the event's latest recorded response: the same action with
 * the same reason, less than `REPEATED_RESPONSE_WINDOW_MS` after it. A repeat is answered
 * with the earlier response and publishes nothing. A different answer, or the same one
 * given again later, is a new response.
 */
export function isRepeatedResponse(latest: (ResponseFacts & { createdAt: Date }) | null, candidate: ResponseFacts, now: Date): boolean {
  if (!latest) return false;
  const age = now.getTime() - latest.createdAt.getTime();
  return (
    latest.response === candidate.response && (latest.reason ?? null) === (candidate.reason ?? null) && age < REPEATED_RESPONSE_WINDOW_MS
  );
}

/** A response as recorded: what a later one is compared with. */
export interface RecordedResponseFacts extends ResponseFacts {
  id: string;
  createdAt: Date;
}

/** What becomes of one response of a group: recorded anew, or answered with the one it repeats. */
export interface ResponseDecision {
  response: RecordedResponseFacts;
  duplicate: boolean;
}

/**
 * `isRepeatedResponse` for many responses at once, as if each had been recorded alone in
 * the order given: each is compared with its event's latest response, and that is the one
 * recorded before it in this list when there is one (a "1" and a repeated "1" to the same
 * event in one group: the second is the duplicate of the first). `latest` is each event's
 * latest stored response; `newId` names a new one.
 */
export function decideResponses(
  candidates: readonly (ResponseFacts & { eventId: string })[],
  latest: ReadonlyMap<string, RecordedResponseFacts>,
  now: Date,
  newId: () => string,
): ResponseDecision[] {
  const current = new Map(latest);
  return candidates.map((candidate) => {
    const previous = current.get(candidate.eventId) ?? null;
    if (previous && isRepeatedResponse(previous, candidate, now)) return { response: previous, duplicate: true };
    const recorded = { id: newId(), response: candidate.response, reason: candidate.reason ?? null, createdAt: now };
    current.set(candidate.eventId, recorded);
    return { response: recorded, duplicate: false };
  });
}
