import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Channel } from '@appointments/domain';

/** A message taken by the local delivery sink instead of a real provider (development, tests, demos). */
@Entity({ name: 'dev_outbox' })
export class DevOutboxMessageEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'notification_id', nullable: true }) notificationId: string | null;
  @Column('text') channel: Channel;
  @Column('text', { name: 'to_address' }) to: string;
  @Column('text', { name: 'from_address', nullable: true }) from: string | null;
  @Column('text', { nullable: true }) subject: string | null;
  @Column('text', { nullable: true }) text: string | null;
  @Column('text', { nullable: true }) html: string | null;
  @Column('text', { nullable: true }) body: string | null;
  @Column('jsonb', { default: [] }) attachments: { filename: string; contentType: string; content: string }[];
  /** `inbound`: a reply of the phone simulator (`from` the customer's number); `outbound`: what the sink took. */
  @Column('text', { default: 'outbound' }) direction: 'outbound' | 'inbound';
  @CreateDateColumn({ name: 'sent_at', type: 'timestamptz' }) sentAt: Date;
}
