import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BookingStatus,
  CHANNEL_MODES,
  ChannelMode,
  CUSTOMER_NOTIFICATION_TYPES,
  CustomerNotificationType,
  RESPONSE_TYPES,
  ResponseType,
} from '@appointments/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Trim } from './validation';

const COLOUR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;
const COLOUR_MESSAGE = 'must be a hex colour such as #2563eb';

export class ButtonsDto {
  @ApiProperty() @IsBoolean() accept: boolean = false;
  @ApiProperty() @IsBoolean() decline: boolean = false;
  @ApiProperty() @IsBoolean() reschedule: boolean = false;
  @ApiProperty() @IsBoolean() viewDetails: boolean = false;
  @ApiProperty() @IsBoolean() addToCalendar: boolean = false;
}

export class ReplyCodeDto {
  @ApiProperty({ example: '1' })
  @Matches(/^[A-Za-z0-9]{1,10}$/, { message: 'code must be one word of letters or digits (at most 10)' })
  code: string;

  @ApiProperty({ enum: RESPONSE_TYPES })
  @IsIn(RESPONSE_TYPES)
  action: ResponseType;

  @ApiPropertyOptional({ example: "Confirmed! We'll see you at {{location}} on {{date}} at {{time}}." })
  @IsOptional()
  @IsString()
  @MaxLength(1600)
  autoReply?: string;
}

export class ReplyCodesDto {
  @ApiProperty() @IsBoolean() enabled: boolean = false;

  @ApiPropertyOptional({ type: () => [ReplyCodeDto], description: 'Default: 1 accept, 2 reschedule, 3 decline' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ReplyCodeDto)
  codes?: ReplyCodeDto[];
}

export class LandingStatusMessagesDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) accept?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) decline?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) reschedule?: string;
}

export class LandingButtonLabelsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) accept?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) decline?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) reschedule?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) viewDetails?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) addToCalendar?: string;
}

export class LandingDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) subtitle?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) ctaText?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) footer?: string;

  @ApiPropertyOptional({ type: () => LandingStatusMessagesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LandingStatusMessagesDto)
  statusMessages?: LandingStatusMessagesDto;

  @ApiPropertyOptional({ type: () => LandingButtonLabelsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LandingButtonLabelsDto)
  buttonLabels?: LandingButtonLabelsDto;

  @ApiPropertyOptional({ description: 'Sanitised before use; at most 20,000 characters' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  customCss?: string;
}

export class NotificationConfigDto {
  @ApiProperty({ example: 'confirmation', description: 'Unique within the template; reminder triggers name it' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'key must be 1-64 lower-case letters, digits, dash or underscore' })
  key: string;

  @ApiProperty({ enum: CUSTOMER_NOTIFICATION_TYPES })
  @IsIn(CUSTOMER_NOTIFICATION_TYPES)
  type: CustomerNotificationType;

  @ApiProperty({ enum: CHANNEL_MODES })
  @IsIn(CHANNEL_MODES)
  channelMode: ChannelMode;

  @ApiPropertyOptional({ example: 'Your appointment on {{date}}' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  emailSubject?: string;

  @ApiPropertyOptional({ example: '<p>Hello {{customerName}}, see you on {{date}} at {{time}}.</p>' })
  @IsOptional()
  @IsString()
  @MaxLength(50000)
  emailBody?: string;

  @ApiPropertyOptional({ example: 'Hi {{customerName}}, your appointment is on {{date}} at {{time}}.' })
  @IsOptional()
  @IsString()
  @MaxLength(1600)
  smsBody?: string;

  @ApiProperty({ type: () => ButtonsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ButtonsDto)
  buttons: ButtonsDto;

  @ApiPropertyOptional({ example: '#2563eb' })
  @IsOptional()
  @Matches(COLOUR, { message: `buttonColor ${COLOUR_MESSAGE}` })
  buttonColor?: string;
  @ApiPropertyOptional({ example: '#0f766e' })
  @IsOptional()
  @Matches(COLOUR, { message: `calendarColor ${COLOUR_MESSAGE}` })
  calendarColor?: string;

  @ApiPropertyOptional({ type: () => ReplyCodesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReplyCodesDto)
  replyCodes?: ReplyCodesDto;

  @ApiPropertyOptional({ description: 'Ask for a reason when declining' }) @IsOptional() @IsBoolean() declineReason?: boolean;
  @ApiPropertyOptional({ description: 'Ask for a reason when requesting a reschedule' })
  @IsOptional()
  @IsBoolean()
  rescheduleReason?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() requireRescheduleConfirmation?: boolean;

  @ApiPropertyOptional({ type: () => LandingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LandingDto)
  landing?: LandingDto;
}

export class ReminderTriggerDto {
  @ApiProperty({ example: 'reminder-24h' })
  @IsString()
  @IsNotEmpty()
  configKey: string;

  @ApiProperty({ example: 1440, description: 'Minutes before the event start' })
  @IsInt()
  @Min(1)
  @Max(60 * 24 * 60)
  offsetMinutes: number;
}

export class FollowersDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() autoFollowOrganizer?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() autoFollowSalesperson?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() notifyOnAccept?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() notifyOnDecline?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() notifyOnReschedule?: boolean;
}

export class CreateTemplateDto {
  @ApiProperty({ example: 'Site visit' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({
    example: '[{status}] Site visit with {customerName}',
    description: 'Internal title; {status}, {customerName}, {organizerName}, {customerTitle}',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  titlePattern: string;

  @ApiProperty({ example: 'Your Appointment with Acme' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  customerTitle: string;

  @ApiPropertyOptional({ example: 60 }) @IsOptional() @IsInt() @Min(5) @Max(60 * 24) defaultDurationMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) defaultLocation?: string;

  @ApiPropertyOptional({ description: 'Labels for {status} by booking status, e.g. {"confirmed":"OK"}' })
  @IsOptional()
  @IsObject()
  statusLabels?: Partial<Record<BookingStatus, string>>;

  @ApiProperty({ type: () => [NotificationConfigDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => NotificationConfigDto)
  notificationConfigs: NotificationConfigDto[];

  @ApiPropertyOptional({ type: () => [ReminderTriggerDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ReminderTriggerDto)
  reminderTriggers?: ReminderTriggerDto[];

  @ApiPropertyOptional({ type: () => FollowersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FollowersDto)
  followers?: FollowersDto;
}

/** A notification config as stored and as carried in NotificationRequested (plain data). */
export type NotificationConfig = Omit<NotificationConfigDto, never>;

export interface TemplateView {
  id: string;
  name: string;
  titlePattern: string;
  customerTitle: string;
  defaultDurationMinutes: number | null;
  defaultLocation: string | null;
  statusLabels: Partial<Record<BookingStatus, string>>;
  notificationConfigs: NotificationConfig[];
  reminderTriggers: { configKey: string; offsetMinutes: number }[];
  followers: FollowersDto;
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/templates/landing-preview`: a template as it would be saved, and which of its configs' landing page to show. */
export class LandingPreviewDto {
  @ApiProperty({ type: () => CreateTemplateDto, description: 'The same body as `POST /api/templates`, validated the same way' })
  @IsObject({ message: 'template must be a template, the body of POST /api/templates' })
  @ValidateNested()
  @Type(() => CreateTemplateDto)
  template: CreateTemplateDto;

  @ApiProperty({ example: 'confirmation', description: "The `key` of one of the template's notification configs" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  configKey: string;
}
