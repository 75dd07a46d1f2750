import { Controller, Injectable } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, OptOutChangedPayload } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { DomainEventContext } from '@appointments/messaging';
import { EntityManager } from 'typeorm';

/** Scheduling's copy of the stop list, read when a send chooses its channels. */
@Injectable()
export class StopListCopy {
  /** Whether each of the addresses is on the stop list for its channel. */
  async optedOut(
    manager: EntityManager,
    addresses: { channel: Channel; address: string }[],
  ): Promise<(channel: Channel, address: string) => boolean> {
    if (addresses.length === 0) return () => false;
    // Looked up by the primary key (channel, address): one index probe per address.
    const rows: { channel: Channel; address: string }[] = await manager.query(
      `SELECT s.channel, s.address FROM scheduling.opted_out_addresses s
         JOIN unnest($1::text[], $2::text[]) AS wanted(channel, address) USING (channel, address)
        WHERE s.opted_out`,
      [addresses.map((entry) => entry.channel), addresses.map((entry) => normalise(entry.channel, entry.address))],
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
  @EventPattern(DOMAIN_EVENT.OptOutChanged)
  async onOptOutChanged(@Payload() change: OptOutChangedPayload, @Ctx() context: DomainEventContext) {
    await context.manager.query(
      `INSERT INTO scheduling.opted_out_addresses (channel, address, opted_out, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, address) DO UPDATE SET opted_out = EXCLUDED.opted_out, changed_at = EXCLUDED.changed_at
        WHERE scheduling.opted_out_addresses.changed_at <= EXCLUDED.changed_at`,
      [change.channel, normalise(change.channel, change.address), change.optedOut, change.changedAt],
    );
  }
}
