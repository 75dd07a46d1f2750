/**
 * When a customer's response is new, and when it repeats the one before it (a double click, a
 * retried form, the same reply code texted twice): a repeat is answered with the response it
 * repeats, and records and publishes nothing. The same rule for every channel (landing page,
 * email link, SMS reply code).
 */
import type { ResponseType } from './vocabulary';

/** An identical answer to the same event within this time is the same answer given twice. */
export const REPEATED_RESPONSE_WINDOW_MS = 10 * 60_000;

/** What a response says: the answer, and the reason kept with it. */
export interface ResponseFacts {
  response: ResponseType;
  reason: string | null;
}

/** A response as recorded: what a later one is compared with. */
export interface RecordedResponseFacts extends ResponseFacts {
  id: string;
  createdAt: Date;
}

/** What becomes of one response: recorded anew (`duplicate: false`, a new id), or answered with the one it repeats. */
export interface ResponseDecision {
  response: RecordedResponseFacts;
  duplicate: boolean;
}

/**
 * Whether `candidate` repeats the event's latest recorded response: the same action with the
 * same reason, less than `REPEATED_RESPONSE_WINDOW_MS` after it. A different answer (a change
 * of mind), or the same one given again later, is a new response.
 */
export function isRepeatedResponse(latest: (ResponseFacts & { createdAt: Date }) | null, candidate: ResponseFacts, now: Date): boolean {
  if (!latest) return false;
  const age = now.getTime() - latest.createdAt.getTime();
  return (
    latest.response === candidate.response && (latest.reason ?? null) === (candidate.reason ?? null) && age < REPEATED_RESPONSE_WINDOW_MS
  );
}

/**
 * `isRepeatedResponse` for many responses at once, as if each had been recorded alone in the
 * order given: each is compared with its event's latest response, and that is the one decided
 * before it in this list when there is one (a "1" and a repeated "1" to the same event in one
 * group: the second is the repeat of the first). `latest` is each event's latest stored
 * response, by event id; `newId` names a new one.
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
