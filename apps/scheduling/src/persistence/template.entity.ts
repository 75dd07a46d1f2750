import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { BookingStatus } from '@appointments/domain';
import type { FollowersDto, NotificationConfig } from '@appointments/contracts';

@Entity({ name: 'templates' })
export class TemplateEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { name: 'title_pattern' }) titlePattern: string;
  @Column('text', { name: 'customer_title' }) customerTitle: string;
  @Column('int', { name: 'default_duration_minutes', nullable: true }) defaultDurationMinutes: number | null;
  @Column('text', { name: 'default_location', nullable: true }) defaultLocation: string | null;
  @Column('jsonb', { name: 'status_labels', default: {} }) statusLabels: Partial<Record<BookingStatus, string>>;
  @Column('jsonb', { name: 'notification_configs' }) notificationConfigs: NotificationConfig[];
  @Column('jsonb', { name: 'reminder_triggers', default: [] }) reminderTriggers: { configKey: string; offsetMinutes: number }[];
  @Column('jsonb', { default: {} }) followers: FollowersDto;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
