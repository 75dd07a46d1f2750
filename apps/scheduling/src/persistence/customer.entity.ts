import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ConfirmationMethod } from '@appointments/domain';

@Entity({ name: 'customers' })
export class CustomerEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { nullable: true }) email: string | null;
  @Column('text', { nullable: true }) phone: string | null;
  @Column('text', { name: 'preferred_confirmation_method', nullable: true }) preferredConfirmationMethod: ConfirmationMethod | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  /** The last change of the details (`PATCH /api/customers/:id`); read by the reminders' release check. */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
