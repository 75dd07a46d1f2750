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
