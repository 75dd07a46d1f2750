import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHANNELS,
  Channel,
  DELIVERY_STATUSES,
  DeliveryStatus,
  DIRECTIONS,
  Direction,
  NOTIFICATION_TYPES,
  NotificationType,
  RESPONSE_TYPES,
  ResponseType,
} from '@appointments/domain';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsInstantWithOffset } from './validation';
import { RESPONSE_CHANNELS, ResponseChannel } from './customer-response';

/** What the console's `channel` filter takes: a delivery channel, or the channel of an inbound response. */
export const CONSOLE_CHANNELS = [...CHANNELS, ...RESPONSE_CHANNELS] as const;
export type ConsoleChannel = Channel | ResponseChannel;

/** Filters of the notifications console; newest first. */
export class NotificationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() eventId?: string;
  @ApiPropertyOptional({ enum: NOTIFICATION_TYPES }) @IsOptional() @IsIn(NOTIFICATION_TYPES) type?: NotificationType;
  @ApiPropertyOptional({
    enum: CONSOLE_CHANNELS,
    description: 'email or sms for outbound rows; email_link, sms_link or sms_reply for inbound ones',
  })
  @IsOptional()
  @IsIn(CONSOLE_CHANNELS)
  channel?: ConsoleChannel;
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @IsOptional() @IsIn(DELIVERY_STATUSES) status?: DeliveryStatus;
  @ApiPropertyOptional({ enum: DIRECTIONS }) @IsOptional() @IsIn(DIRECTIONS) direction?: Direction;
  @ApiPropertyOptional({ enum: RESPONSE_TYPES }) @IsOptional() @IsIn(RESPONSE_TYPES) responseType?: ResponseType;
  @ApiPropertyOptional({ description: 'Part of the recipient name, email or phone' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recipient?: string;
  @ApiPropertyOptional({ description: 'Created at or after (ISO-8601 with offset)' }) @IsOptional() @IsInstantWithOffset() from?: string;
  @ApiPropertyOptional({ description: 'Created before (ISO-8601 with offset)' }) @IsOptional() @IsInstantWithOffset() to?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ default: 50, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export interface NotificationView {
  id: string;
  requestId: string | null;
  eventId: string | null;
  type: NotificationType;
  configKey: string | null;
  /** `email` or `sms` for outbound rows; `email_link`, `sms_link` or `sms_reply` for inbound ones. */
  channel: ConsoleChannel;
  direction: Direction;
  recipientName: string;
  recipientEmail: string | null;
  recipientPhone: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  smsBody: string | null;
  /** SMS only: how many segments the text costs, and in which encoding. */
  smsSegments: number | null;
  smsEncoding: 'GSM-7' | 'UCS-2' | null;
  status: DeliveryStatus;
  /** The provider's own word for the last status it reported, and when the status last changed. */
  providerStatus: string | null;
  statusChangedAt: string | null;
  provider: string | null;
  providerMessageId: string | null;
  error: string | null;
  responseType: ResponseType | null;
  /** Inbound: the decline or reschedule reason the customer gave. */
  reason: string | null;
  /** Inbound: the outbound notification this response or message answers. */
  answersNotificationId: string | null;
  eventStart: string | null;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export class DevOutboxQueryDto {
  @ApiPropertyOptional({ description: 'Exact recipient address (email or E.164 phone)' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  to?: string;
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS) channel?: Channel;
}

export interface DevOutboxMessageView {
  id: string;
  notificationId: string | null;
  channel: Channel;
  to: string;
  from: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  body: string | null;
  attachments: { filename: string; contentType: string; content: string }[];
  sentAt: string;
}
