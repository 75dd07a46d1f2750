import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ReminderSendRef } from '@appointments/contracts';
import type { Channel, DeliveryStatus, Direction, NotificationType, ResponseType } from '@appointments/domain';

export interface NotificationAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
}

/** A message as the provider gets it (email fields or the SMS text). */
export interface MessageContent {
  /** Email only: the sender from system settings at the time of the send. */
  from?: { email: string; name: string } | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  smsBody: string | null;
  attachments: NotificationAttachment[];
}

/**
 * What turns the console's copy (landing token redacted) back into the exact message,
 * held only while the notification is pending: the sender and the landing token. When the
 * redaction placeholder already occurred in the rendered message, so that putting the
 * token back would be ambiguous, the exact message itself is kept instead (`exact`).
 * Rows written before this shape carry the message's fields at the top level.
 */
export interface DeliveryContent extends Partial<MessageContent> {
  landingToken?: string | null;
  exact?: MessageContent;
}

/**
 * A console row's status: a delivery status, or `staged`, a reminder rendered and stored ahead
 * of its due time and not released yet. `staged` is dispatch's own: such a row is not in the
 * console, answers no landing link or reply, and is never reported to other services.
 */
export type NotificationStatus = DeliveryStatus | 'staged';

/** One row of the notifications console: an outbound notification, or an inbound response or SMS (`direction`). */
@Entity({ name: 'notifications' })
export class NotificationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'request_id', nullable: true }) requestId: string | null;
  @Column('uuid', { name: 'event_id', nullable: true }) eventId: string | null;
  @Column('text') type: NotificationType;
  @Column('text', { name: 'config_key', nullable: true }) configKey: string | null;
  /**
   * `email`/`sms` for outbound rows. Inbound rows (`direction: 'inbound'`) hold the response
   * channel (`email_link`, `sms_link`, `sms_reply`) here; the type says `Channel` because the
   * delivery code reads only outbound rows (see `InboundConsoleController`).
   */
  @Column('text') channel: Channel;
  @Column('text') direction: Direction;
  @Column('text', { name: 'recipient_name' }) recipientName: string;
  @Column('text', { name: 'recipient_email', nullable: true }) recipientEmail: string | null;
  @Column('text', { name: 'recipient_phone', nullable: true }) recipientPhone: string | null;
  @Column('text', { nullable: true }) subject: string | null;
  @Column('text', { name: 'body_text', nullable: true }) text: string | null;
  @Column('text', { name: 'body_html', nullable: true }) html: string | null;
  @Column('text', { name: 'sms_body', nullable: true }) smsBody: string | null;
  @Column('jsonb', { default: [] }) attachments: NotificationAttachment[];
  /**
   * With the columns above (the console's copy, landing token redacted) the exact message
   * for the provider; held only while the notification is pending (see `DeliveryContent`).
   */
  @Column('jsonb', { name: 'delivery_content', nullable: true }) deliveryContent: DeliveryContent | null;
  @Column('int', { name: 'sms_segments', nullable: true }) smsSegments: number | null;
  @Column('text', { name: 'sms_encoding', nullable: true }) smsEncoding: 'GSM-7' | 'UCS-2' | null;
  @Column('text') status: NotificationStatus;
  @Column('text', { nullable: true }) provider: string | null;
  @Column('text', { name: 'provider_message_id', nullable: true }) providerMessageId: string | null;
  /** The provider's own word for the last status it reported (`delivered`, `bounce`, `undelivered`...). */
  @Column('text', { name: 'provider_status', nullable: true }) providerStatus: string | null;
  @Column('timestamptz', { name: 'status_changed_at', nullable: true }) statusChangedAt: Date | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('text', { name: 'response_type', nullable: true }) responseType: ResponseType | null;
  /** Inbound: the decline or reschedule reason the customer gave. */
  @Column('text', { nullable: true }) reason: string | null;
  /** Inbound: the outbound notification this response or message answers. */
  @Column('uuid', { name: 'answers_notification_id', nullable: true }) answersNotificationId: string | null;
  @Column('timestamptz', { name: 'event_start', nullable: true }) eventStart: Date | null;
  /** Outbound: the request's dedupe key (reminders); one row per key and channel (unique index). */
  @Column('text', { name: 'dedupe_key', nullable: true }) dedupeKey: string | null;
  /** Outbound reminders: what was staged (`NotificationRequestedPayload.reminder`), passed on in `NotificationSent`. */
  @Column('jsonb', { nullable: true }) reminder: ReminderSendRef | null;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt: Date | null;
  @Column('int', { default: 0 }) attempts: number;
  /** Set when a provider call starts; a row left with it set and still pending was interrupted. */
  @Column('timestamptz', { name: 'attempt_started_at', nullable: true }) attemptStartedAt: Date | null;
  /** When the next provider call may start; for a staged reminder, when it is released (its due time). */
  @Column('timestamptz', { name: 'next_attempt_at', default: () => 'now()' }) nextAttemptAt: Date;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
