import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Channel } from '@appointments/domain';

/**
 * Scheduling's copy of the stop list (owned by inbound-response, kept current from
 * `OptOutChanged`), read when channels are chosen. A row that came off the list stays with
 * `opted_out = false`, so an older event arriving late cannot put it back.
 */
@Entity({ name: 'opted_out_addresses' })
export class OptedOutAddressEntity {
  @PrimaryColumn('text') channel: Channel;
  @PrimaryColumn('text') address: string;
  @Column('boolean', { name: 'opted_out' }) optedOut: boolean;
  @Column('timestamptz', { name: 'changed_at' }) changedAt: Date;
}
