/** What grouping needs to know of a message in a batch. */
export interface RunCandidate {
  type: string;
  /** The calendar event it concerns; null for one that concerns none (or all): it is never moved past. */
  eventId: string | null;
}

/**
 * Splits a batch of messages (in arrival order) into the runs the transport hands to
 * handlers, as lists of indexes. A message whose type takes batches joins the latest run of
 * its type, moving ahead of the runs in between, unless one of them concerns the same
 * event (or a message without an event is involved): messages about one event are always
 * handled in arrival order, while `CustomerResponded` and `NotificationSent` interleaved for
 * different events make two runs instead of one per message. Every other message is a run
 * of its own, in place.
 */
export function batchRuns(items: readonly RunCandidate[], takesBatches: (type: string) => boolean): number[][] {
  const runs: { type: string; batch: boolean; indexes: number[]; eventIds: Set<string | null> }[] = [];
  const conflicts = (run: (typeof runs)[number], eventId: string | null) =>
    eventId === null || run.eventIds.has(null) || run.eventIds.has(eventId);
  items.forEach((item, index) => {
    const batch = takesBatches(item.type);
    if (batch) {
      for (let at = runs.length - 1; at >= 0; at--) {
        const run = runs[at];
        if (run.batch && run.type === item.type) {
          run.indexes.push(index);
          run.eventIds.add(item.eventId);
          return;
        }
        if (conflicts(run, item.eventId)) break;
      }
    }
    runs.push({ type: item.type, batch, indexes: [index], eventIds: new Set([item.eventId]) });
  });
  return runs.map((run) => run.indexes);
}
