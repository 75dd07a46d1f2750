import { Injectable } from '@nestjs/common';
import { OptOutChangedPayload } from '@appointments/contracts';
import { EntityManager } from 'typeorm';
import { OptedOutAddressesRepository } from '../persistence/opted-out-addresses.repository';
import { stopListAddress } from './stop-list-copy';

/**
 * Keeps scheduling's copy of the stop list current (`OptOutChanged`, from inbound-response), in the
 * caller's transaction (the consumer's); an older change arriving after a newer one is ignored.
 */
@Injectable()
export class RecordOptOutChange {
  constructor(private readonly optedOutAddresses: OptedOutAddressesRepository) {}

  async execute(change: OptOutChangedPayload, manager: EntityManager): Promise<void> {
    await this.optedOutAddresses.recordChange(manager, {
      channel: change.channel,
      address: stopListAddress(change.channel, change.address),
      optedOut: change.optedOut,
      changedAt: change.changedAt,
    });
  }
}
