import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PersonRef } from '@appointments/contracts';

/** The one row of system settings for outgoing email: who it comes from. */
@Entity({ name: 'sender_settings' })
export class SenderSettingsEntity {
  /** Always 1: there is one sender per installation. */
  @PrimaryColumn('int') id: number;
  @Column('text') name: string;
  @Column('text') email: string;
  @Column('text', { name: 'image_url', nullable: true }) imageUrl: string | null;
  @Column('jsonb', { name: 'changed_by', nullable: true }) changedBy: PersonRef | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
