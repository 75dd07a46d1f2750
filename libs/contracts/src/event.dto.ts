import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AttendeeStatus,
  BOOKING_STATUSES,
  BookingStatus,
  CUSTOMER_NOTIFICATION_TYPES,
  CustomerNotificationType,
  NOTIFICATION_STATES,
  NotificationState,
} from '@appointments/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IfGivenNotNull, IsIanaTimeZone, IsInstantWithOffset, Trim } from './validation';

/**
 * The salesperson of an event: someone of the business, not its organizer, who follows it when
 * the template auto-follows the salesperson (told of the customer's answers by email).
 */
export class SalespersonDto {
  @ApiProperty({ example: 'Olga Petrova' }) @Trim() @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiProperty({ example: 'olga@example.com' })
  @Trim()
  @IsEmail({}, { message: 'salesperson.email must be a valid email address' })
  @MaxLength(254)
  email: string;
}

export class CreateEventDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() customerId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() templateId: string;
  @ApiProperty({ example: '2026-01-15T14:00:00-05:00' }) @IsInstantWithOffset() start: string;
  @ApiProperty({ example: '2026-01-15T15:00:00-05:00' }) @IsInstantWithOffset() end: string;
  @ApiProperty({ example: 'America/New_York' }) @IsIanaTimeZone() timeZone: string;
  @ApiPropertyOptional({ example: '123 Main St, Springfield' }) @IsOptional() @Trim() @IsString() @MaxLength(500) location?: string;
  @ApiPropertyOptional({ example: 'https://meet.example.com/abc' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'videoUrl must be an http(s) URL' })
  @MaxLength(2000)
  videoUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiPropertyOptional({ type: () => SalespersonDto, description: 'Follows the event when the template auto-follows the salesperson' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SalespersonDto)
  salesperson?: SalespersonDto;
}

/** Any editable field; `null` clears location, videoUrl or description. */
export class UpdateEventDto {
  @ApiPropertyOptional() @IsOptional() @IsInstantWithOffset() start?: string;
  @ApiPropertyOptional() @IsOptional() @IsInstantWithOffset() end?: string;
  @ApiPropertyOptional() @IsOptional() @IsIanaTimeZone() timeZone?: string;
  @ApiPropertyOptional({ nullable: true }) @IfGivenNotNull() @Trim() @IsString() @MaxLength(500) location?: string | null;
  @ApiPropertyOptional({ nullable: true })
  @IfGivenNotNull()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'videoUrl must be an http(s) URL' })
  @MaxLength(2000)
  videoUrl?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IfGivenNotNull() @IsString() @MaxLength(5000) description?: string | null;
  @ApiPropertyOptional({
    type: () => SalespersonDto,
    nullable: true,
    description: 'null removes the salesperson; never significant (the customer is not told)',
  })
  @IfGivenNotNull()
  @ValidateNested()
  @Type(() => SalespersonDto)
  salesperson?: SalespersonDto | null;
}

export class PreviewNotificationDto {
  @ApiProperty({ enum: CUSTOMER_NOTIFICATION_TYPES })
  @IsIn(CUSTOMER_NOTIFICATION_TYPES)
  type: CustomerNotificationType;

  @ApiPropertyOptional({ description: "The template's notification config to use; the first of that type when omitted" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  configKey?: string;
}

export class SendNotificationDto extends PreviewNotificationDto {
  @ApiPropertyOptional({ description: 'Required for cancellation: the token returned by the preview' })
  @IsOptional()
  @IsString()
  confirmationToken?: string;
}

/** Sends in one request at most: enough for a day's list, small enough to answer within a second. */
export const MAX_SENDS_PER_BATCH = 500;

export class BatchSendItemDto extends SendNotificationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'eventId must be a UUID' })
  eventId: string;
}

export class BatchSendNotificationsDto {
  @ApiProperty({
    type: () => [BatchSendItemDto],
    maxItems: MAX_SENDS_PER_BATCH,
    description: 'Applied in this order; the same event may appear more than once',
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'sends must list at least one send' })
  @ArrayMaxSize(MAX_SENDS_PER_BATCH, { message: `sends may list at most ${MAX_SENDS_PER_BATCH} sends; split the list` })
  @ValidateNested({ each: true })
  @Type(() => BatchSendItemDto)
  sends: BatchSendItemDto[];
}

export interface ChangedField {
  field: string;
  oldValue: unknown;
  newValue: unknown;
  changedAt: string;
}

/** When and where an event takes place: the fields a customer is told about. */
export interface EventSchedule {
  start: string;
  end: string;
  timeZone: string;
  location: string | null;
  videoUrl: string | null;
  description: string | null;
}

export interface EventView extends EventSchedule {
  id: string;
  title: string;
  customerId: string;
  templateId: string;
  customerTitle: string;
  organizer: { id?: string; name: string; email?: string | null };
  salesperson: { name: string; email: string } | null;
  bookingStatus: BookingStatus;
  attendeeStatus: AttendeeStatus;
  notificationState: NotificationState;
  changedFields: ChangedField[];
  declineReason: string | null;
  rescheduleReason: string | null;
  /** iCalendar SEQUENCE of the customer's calendar entry: raised by every update or cancellation sent. */
  calendarSequence: number;
  createdAt: string;
  updatedAt: string;
}

export interface ChatterEntryView {
  id: string;
  eventId: string;
  kind: string;
  body: string;
  author: { id?: string; name: string } | null;
  channel: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface SendNotificationResult {
  requestId: string;
  notificationIds: string[];
  channels: { channel: string; address: string; notificationId: string }[];
  skipped: { channel: string; reason: string; message: string }[];
  event: EventView;
}

/** One send of a batch, as scheduling answers it: its result, or the refusal (an error shape with a domain code). */
export type BatchSendOutcome =
  | ({ eventId: string; ok: true } & SendNotificationResult)
  | { eventId: string; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

/** The answer of `POST /api/notifications/batch`: each send with the HTTP status it would have had alone. */
export interface BatchSendResult {
  accepted: number;
  refused: number;
  results: (
    | ({ eventId: string; status: 202 } & SendNotificationResult)
    | { eventId: string; status: number; error: string; message: string; details?: Record<string, unknown> }
  )[];
}

/** What a send would do, rendered exactly as it would go out; nothing is changed or sent. */
export interface RenderedNotificationPreview {
  /** Email, when an email would be sent. */
  subject: string | null;
  html: string | null;
  text: string | null;
  /** The calendar file(s) the email would carry. */
  attachments: { filename: string; contentType: string; content: string }[];
  /** SMS text, when an SMS would be sent, with its GSM-7/UCS-2 segment count. */
  sms: string | null;
  smsSegments: { encoding: 'GSM-7' | 'UCS-2'; segments: number; characters: number } | null;
}

export interface NotificationPreview extends RenderedNotificationPreview {
  type: CustomerNotificationType;
  configKey: string;
  recipient: { name: string; email: string | null; phone: string | null };
  channels: { channel: string; address: string }[];
  skipped: { channel: string; reason: string; message: string }[];
  sender: { name: string; email: string; imageUrl: string | null };
  /** The event as it would be after the send (statuses and internal title). */
  effect: { bookingStatus: BookingStatus; attendeeStatus: AttendeeStatus; notificationState: NotificationState; title: string };
  /** Cancellation only: send it back with the cancellation to confirm it. */
  confirmationToken?: string;
  confirmationTokenExpiresAt?: string;
}

/**
 * `GET /api/events`: filters, and keyset pagination. Without `limit` and `cursor` the answer is
 * the array it always was (the 500 that start last, now filtered); with either of them it is a
 * page, `{items, nextCursor}`.
 */
export class EventQueryDto {
  @ApiPropertyOptional({
    description: "Part of the event's title or of its customer's name, any case (`%` and `_` as typed)",
    example: 'jane',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: BOOKING_STATUSES }) @IsOptional() @IsIn(BOOKING_STATUSES) bookingStatus?: BookingStatus;

  @ApiPropertyOptional({ enum: NOTIFICATION_STATES }) @IsOptional() @IsIn(NOTIFICATION_STATES) notificationState?: NotificationState;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() templateId?: string;

  @ApiPropertyOptional({ description: 'Events that start at or after this instant (ISO-8601 with offset)' })
  @IsOptional()
  @IsInstantWithOffset()
  from?: string;

  @ApiPropertyOptional({ description: 'Events that start before this instant (ISO-8601 with offset)' })
  @IsOptional()
  @IsInstantWithOffset()
  to?: string;

  @ApiPropertyOptional({
    enum: ['desc', 'asc'],
    default: 'desc',
    description: 'By start: `desc` (latest first, the default) or `asc` (an agenda)',
  })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  order?: 'desc' | 'asc';

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500, description: 'Page size; asking for it makes the answer a page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: "The previous page's `nextCursor`; asking for it makes the answer a page" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor this API gave' })
  cursor?: string;
}

/** An event in a list (`GET /api/events`): with its customer's name, so that a list needs no second request. */
export interface ListedEventView extends EventView {
  customer: { id: string; name: string } | null;
}

/** A page of `GET /api/events`: `nextCursor` is null on the last page. */
export interface EventPage {
  items: ListedEventView[];
  nextCursor: string | null;
}
