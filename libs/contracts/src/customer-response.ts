import { ApiPropertyOptional } from '@nestjs/swagger';
import { RESPONSE_TYPES, ResponseType } from '@appointments/domain';
import type { AttendeeStatus, BookingStatus } from '@appointments/domain';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { NotificationConfig } from './template.dto';

/**
 * Customer responses (issue 4). Every response, whatever its channel, is recorded by
 * inbound-response, which publishes `CustomerResponded`; scheduling applies it (state
 * machine, reason, title, chatter, followers, auto-reply), notification-dispatch logs it in
 * the console as an inbound row linked to the notification it answers.
 */
export const RESPONSE_CHANNELS = ['email_link', 'sms_link', 'sms_reply'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];

/** Longest decline or reschedule reason a customer may give. */
export const MAX_RESPONSE_REASON_LENGTH = 1000;

/** A landing token's scope, as notification-dispatch stored it (only the hash of the token is stored). */
export interface LandingTokenView {
  notificationId: string;
  eventId: string;
  customerId: string;
  /** The channel of the notification that carried the link (email → `email_link`, sms → `sms_link`/`sms_reply`). */
  channel: 'email' | 'sms';
  configKey: string;
  /** The notification config as it was when the notification was sent. */
  config: NotificationConfig;
  expiresAt: string;
  /** When the notification was created; the latest open one wins for an SMS reply. */
  createdAt: string;
  /** E.164 phone the SMS went to (sms only). */
  phone: string | null;
}

/** `INBOUND_REQUEST.recordResponse`: a response given on the landing page (the email's buttons lead there too). */
export class RecordResponseCommand {
  @IsString() @IsNotEmpty() @MaxLength(200) token: string;
  @IsIn(RESPONSE_TYPES) response: ResponseType;

  @ApiPropertyOptional({ maxLength: MAX_RESPONSE_REASON_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RESPONSE_REASON_LENGTH)
  reason?: string;
}

export interface RecordedResponse {
  responseId: string;
  eventId: string;
  response: ResponseType;
  /** True when the same answer (same token, response and reason) was given moments ago: nothing new was recorded. */
  duplicate: boolean;
}

/**
 * `ResponseApplied` (published by scheduling): a customer's response changed the event, as
 * one unit with its status, title and chatter. Caches of the event (the gateway's landing
 * pages) drop it; a refused or repeated answer publishes nothing.
 */
export interface ResponseAppliedPayload {
  responseId: string;
  eventId: string;
  response: ResponseType;
  channel: ResponseChannel;
  bookingStatus: BookingStatus;
  previousBookingStatus: BookingStatus;
  attendeeStatus: AttendeeStatus;
  title: string;
}

/** `CustomerResponded` (published by inbound-response). `responseId` is unique per response and is the idempotency key downstream. */
export interface CustomerRespondedPayload {
  responseId: string;
  eventId: string;
  customerId: string;
  response: ResponseType;
  reason: string | null;
  channel: ResponseChannel;
  /** The outbound notification answered. */
  notificationId: string;
  configKey: string;
  respondedAt: string;
  /** The customer's phone for SMS replies, else null. */
  from: string | null;
  /** SMS reply: the code's auto-reply text (placeholders allowed), rendered by scheduling with the event's data and sent through dispatch; null for none. */
  autoReply: string | null;
  /** SMS reply: the customer's message as received. */
  inboundMessage: { body: string; providerMessageId: string } | null;
}

/** `InboundMessageReceived`: an SMS that is not a code (or found no open notification), kept for chatter and the console. */
export interface InboundMessageReceivedPayload {
  messageId: string;
  providerMessageId: string;
  from: string;
  to: string;
  body: string;
  receivedAt: string;
  /** What inbound-response made of it. */
  kind: 'message' | 'opt_out' | 'opt_in' | 'help' | 'no_open_notification';
  /** The event of the latest open notification to that number, when there is one. */
  eventId: string | null;
  notificationId: string | null;
  customerId: string | null;
  /**
   * The text inbound-response answered in TwiML (the help text, the reply when nothing is open),
   * with an id of its own for the conversation; null (or absent, before this field) for none.
   */
  reply?: { messageId: string; body: string } | null;
}
