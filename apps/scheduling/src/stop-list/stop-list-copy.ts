import { Injectable } from '@nestjs/common';
import { hasE164Shape, normaliseStopListAddress } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { OptedOutAddressesRepository } from '../persistence/opted-out-addresses.repository';

/** Scheduling's copy of the stop list, read when a send chooses its channels (kept current by `RecordOptOutChange`). */
@Injectable()
export class StopListCopy {
  constructor(private readonly optedOutAddresses: OptedOutAddressesRepository) {}

  /** Whether each of the addresses is on the stop list for its channel. */
  async optedOut(
    manager: EntityManager,
    addresses: { channel: Channel; address: string }[],
  ): Promise<(channel: Channel, address: string) => boolean> {
    if (addresses.length === 0) return () => false;
    const rows = await this.optedOutAddresses.stoppedAmong(
      manager,
      addresses.map((entry) => ({ channel: entry.channel, address: stopListAddress(entry.channel, entry.address) })),
    );
    const stopped = new Set(rows.map((row) => `${row.channel}:${row.address}`));
    return (channel, address) => stopped.has(`${channel}:${stopListAddress(channel, address)}`);
  }
}

/**
 * An address as the stop list keeps it (`normaliseStopListAddress`, the one rule); an address
 * that is not valid for its channel cannot be on the list and is kept as given. A phone in E.164
 * already (every customer's, checked when saved) is its own form: the send path skips the parse.
 */
export function stopListAddress(channel: Channel, address: string): string {
  if (channel === 'sms' && hasE164Shape(address)) return address;
  return normaliseStopListAddress(channel, address) ?? address;
}
