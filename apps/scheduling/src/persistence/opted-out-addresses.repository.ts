import { Injectable } from '@nestjs/common';
import type { Channel } from '@appointments/domain';
import { EntityManager } from 'typeorm';

/** An address on a channel, as the stop list keeps it (emails lower-cased, phones E.164). */
export interface ChannelAddress {
  channel: Channel;
  address: string;
}

/** Every statement about scheduling's copy of the stop list (`scheduling.opted_out_addresses`). */
@Injectable()
export class OptedOutAddressesRepository {
  /** Those of the addresses that are on the stop list for their channel, in one lookup. */
  async stoppedAmong(manager: EntityManager, addresses: ChannelAddress[]): Promise<ChannelAddress[]> {
    // Looked up by the primary key (channel, address): one index probe per address.
    return manager.query(
      `SELECT s.channel, s.address FROM scheduling.opted_out_addresses s
         JOIN unnest($1::text[], $2::text[]) AS wanted(channel, address) USING (channel, address)
        WHERE s.opted_out`,
      [addresses.map((entry) => entry.channel), addresses.map((entry) => entry.address)],
    );
  }

  /** Records an address going on or off the list; a change older than the one recorded is ignored. */
  async recordChange(manager: EntityManager, change: ChannelAddress & { optedOut: boolean; changedAt: string }): Promise<void> {
    await manager.query(
      `INSERT INTO scheduling.opted_out_addresses (channel, address, opted_out, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, address) DO UPDATE SET opted_out = EXCLUDED.opted_out, changed_at = EXCLUDED.changed_at
        WHERE scheduling.opted_out_addresses.changed_at <= EXCLUDED.changed_at`,
      [change.channel, change.address, change.optedOut, change.changedAt],
    );
  }
}
