import type { ResponseChannel } from '@appointments/contracts';
import type { ResponseType } from '@appointments/domain';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A customer's response as inbound-response recorded it, once, before publishing
 * `CustomerResponded` (its id is the event's `responseId`). The latest row of an event is
 * what a repeated click is compared with.
 */
@Entity({ name: 'responses' })
export class CustomerResponseEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'customer_id' }) customerId: string;
  /** The outbound notification answered (its landing token, or the SMS a reply code answers). */
  @Column('uuid', { name: 'notification_id' }) notificationId: string;
  @Column('text') response: ResponseType;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('text') channel: ResponseChannel;
  /** SMS replies: the customer's phone and Twilio's MessageSid. */
  @Column('text', { name: 'from_phone', nullable: true }) fromPhone: string | null;
  @Column('text', { name: 'provider_message_id', nullable: true }) providerMessageId: string | null;
  /** The id of the `CustomerResponded` domain event published for it. */
  @Column('uuid', { name: 'domain_event_id' }) domainEventId: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
