import { Controller, Injectable } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, OptOutChangedPayload } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { DomainEventContext } from '@appointments/messaging';
import { EntityManager } from 'typeorm';
import { OptedOutAddressesRepository } from '../persistence/opted-out-addresses.repository';

/** Scheduling's copy of the stop list, read when a send chooses its channels. */
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
      addresses.map((entry) => ({ channel: entry.channel, address: normalise(entry.channel, entry.address) })),
    );
    const stopped = new Set(rows.map((row) => `${row.channel}:${row.address}`));
    return (channel, address) => stopped.has(`${channel}:${normalise(channel, address)}`);
  }
}

/** Emails are kept lower-cased on the stop list; phones are E.164 already. */
function normalise(channel: Channel, address: string): string {
  return channel === 'email' ? address.trim().toLowerCase() : address.trim();
}

/** Keeps the copy current; an older change arriving after a newer one is ignored. */
@Controller()
export class OptOutChangedController {
  constructor(private readonly optedOutAddresses: OptedOutAddressesRepository) {}

  @EventPattern(DOMAIN_EVENT.OptOutChanged)
  async onOptOutChanged(@Payload() change: OptOutChangedPayload, @Ctx() context: DomainEventContext) {
    await this.optedOutAddresses.recordChange(context.manager, {
      channel: change.channel,
      address: normalise(change.channel, change.address),
      optedOut: change.optedOut,
      changedAt: change.changedAt,
    });
  }
}
