import type { OptOutSource, PersonRef } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An address that opted out of one channel: nothing is sent to it on that channel while it is here. */
@Entity({ name: 'stop_list' })
export class StopListEntryEntity {
  @PrimaryColumn('text') channel: Channel;
  /** E.164 phone for sms, trimmed lower-case email for email (`normaliseStopListAddress`, libs/contracts). */
  @PrimaryColumn('text') address: string;
  @Column('text') source: OptOutSource;
  /** The keyword the customer sent (`STOP`...), when it came from one. */
  @Column('text', { nullable: true }) keyword: string | null;
  @Column('text', { nullable: true }) reason: string | null;
  /** The staff member who put it there; null when the customer or the provider did. */
  @Column('jsonb', { name: 'changed_by', nullable: true }) changedBy: PersonRef | null;
  @Column('timestamptz', { name: 'opted_out_at' }) optedOutAt: Date;
}
