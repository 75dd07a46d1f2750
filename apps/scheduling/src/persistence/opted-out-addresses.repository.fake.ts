import type { EntityManager } from 'typeorm';
import type { ChannelAddress, OptedOutAddressesRepository } from './opted-out-addresses.repository';

/** `OptedOutAddressesRepository` in memory, for use-case specs: scheduling's copy of the stop list. */
export class InMemoryOptedOutAddressesRepository implements Pick<OptedOutAddressesRepository, keyof OptedOutAddressesRepository> {
  private readonly rows = new Map<string, { optedOut: boolean; changedAt: number }>();

  /** Addresses on the stop list before the spec runs (as the list keeps them: emails lower-cased). */
  constructor(stopped: ChannelAddress[] = []) {
    for (const entry of stopped) this.rows.set(keyOf(entry), { optedOut: true, changedAt: 0 });
  }

  async stoppedAmong(_manager: EntityManager, addresses: ChannelAddress[]): Promise<ChannelAddress[]> {
    return addresses.filter((entry) => this.rows.get(keyOf(entry))?.optedOut);
  }

  async recordChange(_manager: EntityManager, change: ChannelAddress & { optedOut: boolean; changedAt: string }): Promise<void> {
    const changedAt = Date.parse(change.changedAt);
    const row = this.rows.get(keyOf(change));
    if (!row || row.changedAt <= changedAt) this.rows.set(keyOf(change), { optedOut: change.optedOut, changedAt });
  }
}

function keyOf({ channel, address }: ChannelAddress): string {
  return `${channel}:${address}`;
}
