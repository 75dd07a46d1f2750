import type { SmsReplyKind } from '@appointments/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every inbound SMS Twilio delivered, once per `MessageSid`: the key that makes a repeated
 * delivery change nothing, the log of what came in, and the TwiML reply given, which a
 * repeated delivery gets again.
 */
@Entity({ name: 'inbound_sms' })
export class InboundSmsEntity {
  @PrimaryColumn('text', { name: 'message_sid' }) messageSid: string;
  @Column('text', { name: 'from_phone' }) fromPhone: string;
  @Column('text', { name: 'to_phone' }) toPhone: string;
  @Column('text') body: string;
  /** What it turned out to be, stored with the row (never changed afterwards). */
  @Column('text') kind: SmsReplyKind;
  /** The notification the message was matched to (latest open one with reply codes to that number). */
  @Column('uuid', { name: 'notification_id', nullable: true }) notificationId: string | null;
  @Column('uuid', { name: 'response_id', nullable: true }) responseId: string | null;
  /** The text answered in TwiML; null for an empty `<Response/>`. */
  @Column('text', { nullable: true }) reply: string | null;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt: Date;
}
