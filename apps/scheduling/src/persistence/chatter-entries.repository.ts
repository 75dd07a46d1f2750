import { Injectable } from '@nestjs/common';
import { insertRows } from '@appointments/persistence';
import { EntityManager } from 'typeorm';
import type { NewChatterEntry } from '../chatter/chatter-log';
import { ChatterEntryEntity } from './chatter-entry.entity';

/**
 * Every statement about the events' timelines (`scheduling.chatter_entries`). Entries are written
 * in the transaction of the change they describe; an entry whose `sourceId` is known is skipped.
 */
@Injectable()
export class ChatterEntriesRepository {
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

  /** Those of `sourceIds` some entry was already written for (a response applied, a reminder let go). */
  async recordedSourceIds(manager: EntityManager, sourceIds: string[]): Promise<Set<string>> {
    const rows: { source_id: string }[] = await manager.query(
      'SELECT source_id FROM scheduling.chatter_entries WHERE source_id = ANY($1::text[])',
      [sourceIds],
    );
    return new Set(rows.map((row) => row.source_id));
  }

  /** An event's timeline, oldest first. */
  listOfEvent(manager: EntityManager, eventId: string): Promise<ChatterEntryEntity[]> {
    return manager.find(ChatterEntryEntity, {
      where: { eventId },
      order: { createdAt: 'ASC' },
    });
  }
}
