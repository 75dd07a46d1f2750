import type { NotificationRequestedPayload, ReminderReleaseVerdict, ReminderSendRef, StagedReminderDto } from '@appointments/contracts';

/**
 * Staged reminders, the plain decisions of dispatch's part: when a request is held rather than
 * sent, what is asked about the rows that are due, and what scheduling's answer says.
 */

/**
 * Until when a request is held as a staged reminder: its `sendAt` when that is later than `now`
 * and the request carries what the release check asks about (`reminder`, `dedupeKey`); null
 * otherwise, and it is sent at once.
 */
export function stagedUntil(request: Pick<NotificationRequestedPayload, 'sendAt' | 'reminder' | 'dedupeKey'>, now: number): string | null {
  if (!request.sendAt || !request.reminder || !request.dedupeKey) return null;
  return Date.parse(request.sendAt) > now ? request.sendAt : null;
}

/** What the release check needs of a staged row; staging sets each of them (`stagedUntil`). */
export interface StagedRowRef {
  requestId: string;
  eventId: string;
  dedupeKey: string;
  reminder: ReminderSendRef;
}

/** One staged request: what scheduling is asked about it, and its rows taken for release. */
export interface StagedRequest<Row extends StagedRowRef> {
  staged: StagedReminderDto;
  rows: Row[];
}

/** The rows taken for release, one entry per request (a request has a row per channel), in the order first seen. */
export function stagedRequests<Row extends StagedRowRef>(rows: readonly Row[]): StagedRequest<Row>[] {
  const byRequest = new Map<string, StagedRequest<Row>>();
  for (const row of rows) {
    const known = byRequest.get(row.requestId);
    if (known) known.rows.push(row);
    else
      byRequest.set(row.requestId, {
        staged: { requestId: row.requestId, eventId: row.eventId, dedupeKey: row.dedupeKey, reminder: row.reminder },
        rows: [row],
      });
  }
  return [...byRequest.values()];
}

/**
 * A verdict of the release, as dispatch acts on it: scheduling's, or `unreadable` when scheduling
 * refused to read the staged reminder itself (`invalid_input` for it alone: a corrupted row),
 * which fails it visibly instead of blocking every release behind it.
 */
export type ReleaseVerdict = ReminderReleaseVerdict | { requestId: string; verdict: 'unreadable'; reason: string };

const VERDICTS: ReadonlySet<string> = new Set<ReminderReleaseVerdict['verdict']>(['send', 'stale', 'missed', 'refused', 'restaged']);

/**
 * Scheduling's answer to a release check, by request id. An answer that leaves out a request
 * asked about, or says something else than a verdict, is refused whole (the release rolls back
 * and asks again): a staged row never goes without `send`.
 */
export function verdictsByRequest(asked: readonly StagedReminderDto[], answer: unknown): Map<string, ReminderReleaseVerdict> {
  if (!Array.isArray(answer)) throw new Error('the release check did not answer a list of verdicts');
  const verdicts = new Map<string, ReminderReleaseVerdict>();
  for (const item of answer as Partial<Record<string, unknown>>[]) {
    if (typeof item?.requestId !== 'string' || typeof item.verdict !== 'string' || !VERDICTS.has(item.verdict)) {
      throw new Error(`the release check answered something that is not a verdict: ${JSON.stringify(item)}`);
    }
    verdicts.set(item.requestId, item as unknown as ReminderReleaseVerdict);
  }
  const missing = asked.filter((staged) => !verdicts.has(staged.requestId));
  if (missing.length > 0)
    throw new Error(
      `the release check gave no verdict for ${missing.length} of ${asked.length} staged reminders (request ${missing[0].requestId}...)`,
    );
  return verdicts;
}

/** How long the release pauses after `failures` failed passes in a row: the poll interval, doubled each time, at most 5 s. */
export function releaseRetryDelayMs(pollMs: number, failures: number): number {
  return Math.min(5_000, pollMs * 2 ** Math.min(failures - 1, 16));
}
