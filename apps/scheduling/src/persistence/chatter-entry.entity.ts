import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const CHATTER_KINDS = [
  'event_created',
  'event_updated',
  'status_changed',
  'notification_requested',
  'notification_sent',
  'notification_failed',
  'customer_responded',
  'response_refused',
  'inbound_message',
  'customer_updated',
] as const;
export type ChatterKind = (typeof CHATTER_KINDS)[number];

/** One line of the event's timeline: who did what, when, through which channel. */
@Entity({ name: 'chatter_entries' })
@Index('chatter_event', ['eventId', 'createdAt'])
export class ChatterEntryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('text') kind: ChatterKind;
  @Column('text') body: string;
  @Column('jsonb', { nullable: true }) author: { id?: string; name: string } | null;
  @Column('text', { nullable: true }) channel: string | null;
  @Column('jsonb', { default: {} }) data: Record<string, unknown>;
  /** The message that caused the entry (notification id...), so a redelivery never writes it twice. */
  @Column('text', { name: 'source_id', nullable: true, unique: true }) sourceId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
