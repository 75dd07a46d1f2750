import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { NewChatterEntry } from '../chatter/chatter-log';
import type { ChatterEntriesRepository } from './chatter-entries.repository';
import { ChatterEntryEntity } from './chatter-entry.entity';

/** `ChatterEntriesRepository` in memory, for use-case specs: the entries written, in order; a known `sourceId` is skipped. */
export class InMemoryChatterEntriesRepository implements Pick<ChatterEntriesRepository, keyof ChatterEntriesRepository> {
  /** Every entry written, in order. */
  readonly entries: NewChatterEntry[] = [];
  /** The size of each `addMany` call, in order: one entry per statement the real one sends. */
  readonly writes: number[] = [];

  /** `sourceIds` of entries written before the spec runs (a response applied, a reminder let go). */
  constructor(private readonly earlierSourceIds: string[] = []) {}

  async add(manager: EntityManager, entry: NewChatterEntry): Promise<void> {
    await this.addMany(manager, [entry]);
  }

  async addMany(_manager: EntityManager, entries: NewChatterEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.writes.push(entries.length);
    for (const entry of entries) {
      if (entry.sourceId && this.known(entry.sourceId)) continue;
      this.entries.push(structuredClone(entry));
    }
  }

  async recordedSourceIds(_manager: EntityManager, sourceIds: string[]): Promise<Set<string>> {
    return new Set(sourceIds.filter((sourceId) => this.known(sourceId)));
  }

  async listOfEvent(_manager: EntityManager, eventId: string): Promise<ChatterEntryEntity[]> {
    return this.entries
      .filter((entry) => entry.eventId === eventId)
      .map((entry) =>
        Object.assign(new ChatterEntryEntity(), {
          id: randomUUID(),
          eventId: entry.eventId,
          kind: entry.kind,
          body: entry.body,
          author: entry.author ?? null,
          channel: entry.channel ?? null,
          data: entry.data ?? {},
          sourceId: entry.sourceId ?? null,
          createdAt: new Date(),
        }),
      );
  }

  private known(sourceId: string): boolean {
    return this.earlierSourceIds.includes(sourceId) || this.entries.some((entry) => entry.sourceId === sourceId);
  }
}
