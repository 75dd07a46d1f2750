import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { AttendeeStatus, BookingStatus, NotificationState } from '@appointments/domain';
import type { ChangedField, PersonRef } from '@appointments/contracts';

/** The calendar event (appointment). Its three status fields change only through the state machine. */
@Entity({ name: 'events' })
@Index('events_customer', ['customerId'])
export class EventEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  @Column('uuid', { name: 'template_id' }) templateId: string;
  @Column('text') title: string;
  @Column('timestamptz', { name: 'starts_at' }) start: Date;
  @Column('timestamptz', { name: 'ends_at' }) end: Date;
  @Column('text', { name: 'time_zone' }) timeZone: string;
  @Column('text', { nullable: true }) location: string | null;
  @Column('text', { name: 'video_url', nullable: true }) videoUrl: string | null;
  @Column('text', { nullable: true }) description: string | null;
  @Column('jsonb') organizer: PersonRef;
  /** Follows the event when its template auto-follows the salesperson. */
  @Column('jsonb', { nullable: true }) salesperson: { name: string; email: string } | null;
  @Column('text', { name: 'booking_status' }) bookingStatus: BookingStatus;
  @Column('text', { name: 'attendee_status' }) attendeeStatus: AttendeeStatus;
  @Column('text', { name: 'notification_state' }) notificationState: NotificationState;
  @Column('jsonb', { name: 'changed_fields', default: [] }) changedFields: ChangedField[];
  @Column('text', { name: 'decline_reason', nullable: true }) declineReason: string | null;
  @Column('text', { name: 'reschedule_reason', nullable: true }) rescheduleReason: string | null;
  /** Raised whenever the start moves, so scheduled reminders for an old start are recognised as stale. */
  @Column('int', { name: 'start_version', default: 1 }) startVersion: number;
  /** iCalendar SEQUENCE: raised on every update or cancellation sent to the customer. */
  @Column('int', { name: 'calendar_sequence', default: 0 }) calendarSequence: number;
  @VersionColumn() version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
