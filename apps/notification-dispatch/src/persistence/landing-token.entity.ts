import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Channel } from '@appointments/domain';
import type { NotificationConfig } from '@appointments/contracts';

/**
 * The key to one notification's landing page (`/m/:token`). Only the SHA-256 of the token
 * is kept: a leaked database cannot be turned into working links. Scoped to one event,
 * one recipient and one channel; it stops working a configured time after the event ends.
 */
@Entity({ name: 'landing_tokens' })
export class LandingTokenEntity {
  @PrimaryColumn('bytea', { name: 'token_hash' }) tokenHash: Buffer;
  @Column('uuid', { name: 'notification_id' }) notificationId: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  @Column('text') channel: Channel;
  @Column('text', { name: 'config_key' }) configKey: string;
  /** The config the notification was sent with: its buttons, reply codes and landing texts apply to responses. */
  @Column('jsonb') config: NotificationConfig;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
