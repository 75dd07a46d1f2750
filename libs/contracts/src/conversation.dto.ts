import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Trim } from './validation';

/**
 * Two-way SMS conversations (api.md, "Conversations"; docs/conversations.md): every SMS to and
 * from one mobile number, kept by notification-dispatch, asked for by the gateway over RPC.
 */

export const CONVERSATION_DIRECTIONS = ['inbound', 'outbound'] as const;
export type ConversationDirection = (typeof CONVERSATION_DIRECTIONS)[number];

/** Where a message came from: a notification (confirmation, reminder…), an automatic answer, a staff member, the customer. */
export const CONVERSATION_SOURCES = ['notification', 'auto_reply', 'staff', 'customer'] as const;
export type ConversationSource = (typeof CONVERSATION_SOURCES)[number];

/** The console type of a message a staff member wrote in a conversation (not an event's notification). */
export const STAFF_MESSAGE_TYPE = 'staff_message';

/** The most messages one page of a conversation holds. */
export const MAX_CONVERSATION_PAGE = 200;

/** Staff messages are at most ten segments of UCS-2 (Twilio accepts 1,600 characters). */
export const MAX_STAFF_MESSAGE_LENGTH = 1600;

/** `:phone` of the conversation routes: E.164, URL-encoded (`%2B14155550100`). */
export class ConversationPhoneParamDto {
  @ApiProperty({ example: '+14155550100' })
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be an E.164 number (URL-encode its +: %2B14155550100)' })
  phone: string;
}

export class ConversationListQueryDto {
  @ApiPropertyOptional({ description: "Part of the customer's name (any case) or digits of the number", example: 'jane' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({ description: '`true`: only conversations with messages this staff member has not read' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsIn([true, false], { message: 'unread must be true or false' })
  unread?: boolean;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the page before' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ConversationMessagesQueryDto {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the page before: older messages (also older than 30 days)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  before?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: MAX_CONVERSATION_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CONVERSATION_PAGE)
  limit?: number;
}

export class SendConversationMessageDto {
  @ApiProperty({ example: 'Hi Jane, we can move you to 3 pm. Does that work?', maxLength: MAX_STAFF_MESSAGE_LENGTH })
  @IsString()
  @Trim()
  @IsNotEmpty({ message: 'body must not be empty' })
  @MaxLength(MAX_STAFF_MESSAGE_LENGTH)
  body: string;
}

export interface ConversationCustomer {
  id: string;
  name: string;
}

export interface ConversationView {
  phone: string;
  customer?: ConversationCustomer;
  lastMessage: { direction: ConversationDirection; body: string; at: string };
  /** Inbound messages this staff member has not read. */
  unread: number;
}

export interface ConversationMessageView {
  id: string;
  direction: ConversationDirection;
  body: string;
  at: string;
  source: ConversationSource;
  /** A delivery status (`pending`, `sent`, `delivered`, `failed`…); `delivered` for an inbound message. */
  status: string;
  staffId?: string;
}

export interface ConversationPage {
  items: ConversationView[];
  nextCursor: string | null;
}

export interface ConversationMessagePage {
  items: ConversationMessageView[];
  nextCursor: string | null;
}

export interface RecentSmsView {
  phone: string;
  customer?: ConversationCustomer;
  body: string;
  at: string;
}

/** `DISPATCH_REQUEST.listConversations`. */
export interface ListConversationsQuery {
  staffId: string;
  search?: string;
  unread?: boolean;
  cursor?: string;
  limit?: number;
}

/** `DISPATCH_REQUEST.conversationMessages`. */
export interface ConversationMessagesQuery {
  phone: string;
  before?: string;
  limit?: number;
}

/** `DISPATCH_REQUEST.sendStaffMessage` → `{id}`; `no_channel_available` (422) when the number is on the SMS stop list. */
export interface SendStaffMessageCommand {
  phone: string;
  body: string;
  staff: { id: string; name: string; email?: string };
}

/** `DISPATCH_REQUEST.markConversationRead` → `{read: true}`. */
export interface MarkConversationReadCommand {
  phone: string;
  staffId: string;
}

/**
 * `ConversationMessageAdded` (notification-dispatch): an SMS from a customer, or an automatic
 * answer to one, was added to its number's conversation, with the customer it is linked to. The
 * gateway's live stream tells staff (`inbound_sms`, `conversation_message`). Outbound
 * notifications and staff messages are told by their `NotificationSent`/`NotificationFailed`.
 */
export interface ConversationMessageAddedPayload {
  phone: string;
  customer: ConversationCustomer | null;
  message: ConversationMessageView;
}
