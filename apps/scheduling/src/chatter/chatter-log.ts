import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { insertRows } from '@appointments/persistence';
import type { BookingStatus } from '@appointments/domain';
import { ChatterKind } from '../persistence/chatter-entry.entity';
import type { EventEntity } from '../persistence/event.entity';

export interface NewChatterEntry {
  eventId: string;
  kind: ChatterKind;
  body: string;
  author?: { id?: string; name: string } | null;
  channel?: string | null;
  data?: Record<string, unknown>;
  /** Id of what caused the entry; an entry with a known source is not written again. */
  sourceId?: string;
}

/** Writes the event's timeline, always inside the transaction of the change it describes. */
@Injectable()
export class ChatterLog {
  async add(manager: EntityManager, entry: NewChatterEntry): Promise<void> {
    await this.addMany(manager, [entry]);
  }

  /** Several entries in one statement (a batch of sends or outcomes), in order; a known `sourceId` is skipped. */
  async addMany(manager: EntityManager, entries: NewChatterEntry[]): Promise<void> {
    await insertRows(
      manager,
      { schema: 'scheduling', name: 'chatter_entries' },
      entries.map((entry) => ({
        event_id: entry.eventId,
        kind: entry.kind,
        body: entry.body,
        author: entry.author ?? null,
        channel: entry.channel ?? null,
        data: entry.data ?? {},
        source_id: entry.sourceId ?? null,
      })),
      { skipConflicts: true },
    );
  }
}

/**
 * The entry of a booking status change ("Status changed from booked to invited"), or none when the
 * status stayed. `data` and `sourceId` add what caused it.
 */
export function statusChangedEntries(
  event: Pick<EventEntity, 'id' | 'bookingStatus' | 'title'>,
  from: BookingStatus,
  author: NewChatterEntry['author'],
  cause: { data?: Record<string, unknown>; sourceId?: string } = {},
): NewChatterEntry[] {
  if (from === event.bookingStatus) return [];
  return [
    {
      eventId: event.id,
      kind: 'status_changed',
      body: `Status changed from ${from} to ${event.bookingStatus}`,
      author,
      data: { from, to: event.bookingStatus, title: event.title, ...cause.data },
      ...(cause.sourceId ? { sourceId: cause.sourceId } : {}),
    },
  ];
}

export const NOTIFICATION_TYPE_LABEL: Record<string, string> = {
  confirmation: 'Confirmation',
  rsvp_request: 'RSVP request',
  reminder: 'Reminder',
  update: 'Update',
  cancellation: 'Cancellation',
  auto_reply: 'Auto-reply',
  internal: 'Follower notification',
};

export const CHANNEL_LABEL: Record<string, string> = { email: 'email', sms: 'SMS' };
