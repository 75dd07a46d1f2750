import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ChatterEntryEntity, ChatterKind } from '../persistence/chatter-entry.entity';

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
    await manager
      .createQueryBuilder()
      .insert()
      .into(ChatterEntryEntity)
      .values({
        eventId: entry.eventId,
        kind: entry.kind,
        body: entry.body,
        author: entry.author ?? null,
        channel: entry.channel ?? null,
        data: (entry.data ?? {}) as never,
        sourceId: entry.sourceId ?? null,
      })
      .orIgnore()
      .execute();
  }
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
