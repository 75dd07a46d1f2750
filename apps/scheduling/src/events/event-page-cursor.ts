import { InvalidInput } from '@appointments/domain';

/** The page size of `GET /api/events` when a page is asked for without `limit`. */
export const DEFAULT_EVENT_PAGE_SIZE = 100;

/**
 * The `nextCursor` of the events list: the last event of a page (its start and id) and the
 * order it was read in, base64url JSON. Not a secret and not signed: it only says where the
 * next page starts, and every page is filtered the same way. A cursor of the other order, or
 * one that is not ours, is a 400.
 */
export const eventPageCursor = {
  write(last: { start: Date; id: string }, order: 'asc' | 'desc'): string {
    return Buffer.from(JSON.stringify({ s: last.start.toISOString(), i: last.id, o: order }), 'utf8').toString('base64url');
  },

  read(cursor: string, order: 'asc' | 'desc'): { start: Date; id: string } {
    let parsed: { s?: unknown; i?: unknown; o?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      throw new InvalidInput('cursor is not a nextCursor of this list');
    }
    const start = typeof parsed.s === 'string' ? new Date(parsed.s) : null;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (!start || Number.isNaN(start.getTime()) || typeof parsed.i !== 'string' || !uuid.test(parsed.i)) {
      throw new InvalidInput('cursor is not a nextCursor of this list');
    }
    if (parsed.o !== order) throw new InvalidInput(`cursor belongs to the list in ${String(parsed.o)} order; ask with the same order`);
    return { start, id: parsed.i };
  },
};
