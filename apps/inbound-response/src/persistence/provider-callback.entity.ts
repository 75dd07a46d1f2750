import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A provider callback already applied, so that the provider's retries and duplicates change nothing. */
@Entity({ name: 'provider_callbacks' })
export class ProviderCallbackEntity {
  @PrimaryColumn('text') provider: 'twilio' | 'sendgrid';
  /** Twilio: `<MessageSid>:<MessageStatus>`; SendGrid: `sg_event_id`. */
  @PrimaryColumn('text', { name: 'callback_key' }) callbackKey: string;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt: Date;
}
