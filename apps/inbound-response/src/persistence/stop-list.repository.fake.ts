import type { Channel } from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { StopListEntryEntity } from './stop-list-entry.entity';
import { NewStopListEntry, StopListRepository } from './stop-list.repository';

/** What a store of stop-list entries answers: the repository's public methods. */
type StopListStore = { [Method in keyof StopListRepository]: StopListRepository[Method] };

/**
 * `StopListRepository` in memory, for unit specs (the transaction given is not used; a lock
 * only reads). `snapshot` lets a spec's transaction roll the entries back.
 */
export class InMemoryStopListRepository implements StopListStore {
  private entries = new Map<string, StopListEntryEntity>();

  /** The addresses on the list for a channel. */
  addresses(channel: Channel): string[] {
    return [...this.entries.values()].filter((entry) => entry.channel === channel).map((entry) => entry.address);
  }

  async list(filter: { channel?: Channel; address?: string }): Promise<StopListEntryEntity[]> {
    const part = filter.address?.trim().toLowerCase();
    return [...this.entries.values()]
      .filter((entry) => (!filter.channel || entry.channel === filter.channel) && (!part || entry.address.toLowerCase().includes(part)))
      .sort((a, b) => b.optedOutAt.getTime() - a.optedOutAt.getTime() || a.address.localeCompare(b.address));
  }

  async add(_manager: EntityManager, entry: NewStopListEntry): Promise<boolean> {
    if (this.entries.has(keyOf(entry.channel, entry.address))) return false;
    this.entries.set(keyOf(entry.channel, entry.address), Object.assign(new StopListEntryEntity(), entry));
    return true;
  }

  async get(_manager: EntityManager, channel: Channel, address: string): Promise<StopListEntryEntity> {
    const entry = this.entries.get(keyOf(channel, address));
    if (!entry) throw new Error(`${channel}:${address} is not on the stop list`);
    return entry;
  }

  async lock(_manager: EntityManager, channel: Channel, address: string): Promise<StopListEntryEntity | null> {
    return this.entries.get(keyOf(channel, address)) ?? null;
  }

  async remove(_manager: EntityManager, channel: Channel, address: string): Promise<boolean> {
    return this.entries.delete(keyOf(channel, address));
  }

  /** The entries as they are now; calling the answer puts them back. */
  snapshot(): () => void {
    const saved = new Map(this.entries);
    return () => {
      this.entries = new Map(saved);
    };
  }
}

function keyOf(channel: Channel, address: string): string {
  return `${channel}\u0000${address}`;
}
