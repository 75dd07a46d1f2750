import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const STAFF_ROLES = ['admin', 'staff'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A member of staff who signs in to the staff API (the gateway's only data of its own). */
@Entity({ name: 'staff_users' })
export class StaffUserEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { unique: true }) email: string;
  @Column('text') name: string;
  @Column('text', { name: 'password_hash' }) passwordHash: string;
  @Column('text') role: StaffRole;
  /** Carried by every token as `ver`; moved on when the password or role changes or the user is disabled. */
  @Column('integer', { name: 'token_version', default: 1 }) tokenVersion: number;
  /** Set while the user may not sign in; their tokens are refused. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
