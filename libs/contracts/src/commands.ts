import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsNotEmpty, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { CreateCustomerDto, UpdateCustomerDto } from './customer.dto';
import {
  BatchSendItemDto,
  CreateEventDto,
  MAX_SENDS_PER_BATCH,
  PreviewNotificationDto,
  SendNotificationDto,
  UpdateEventDto,
} from './event.dto';
import { NotificationQueryDto } from './notification.dto';
import { CreateTemplateDto } from './template.dto';

/**
 * Request payloads as they travel from the gateway to the owning service. Each wraps the
 * HTTP DTO with the staff member who acts and the target id, and is validated again by
 * the receiving service (class-validator on every input).
 */
export class ActorDto {
  @IsUUID() id: string;
  @IsString() @IsNotEmpty() name: string;
  @IsOptional() @IsEmail() email?: string;
}

export class ByIdQuery {
  @IsUUID('all', { message: 'id must be a UUID' }) id: string;
}

export class ActorCommand {
  @ValidateNested() @Type(() => ActorDto) actor: ActorDto;
}

export class CreateCustomerCommand extends ActorCommand {
  @ValidateNested() @Type(() => CreateCustomerDto) customer: CreateCustomerDto;
}

export class UpdateCustomerCommand extends ActorCommand {
  @IsUUID('all', { message: 'id must be a UUID' }) id: string;
  @ValidateNested() @Type(() => UpdateCustomerDto) changes: UpdateCustomerDto;
}

export class CreateTemplateCommand extends ActorCommand {
  @ValidateNested() @Type(() => CreateTemplateDto) template: CreateTemplateDto;
}

export class CreateEventCommand extends ActorCommand {
  @ValidateNested() @Type(() => CreateEventDto) event: CreateEventDto;
}

export class UpdateEventCommand extends ActorCommand {
  @IsUUID('all', { message: 'id must be a UUID' }) id: string;
  @ValidateNested() @Type(() => UpdateEventDto) changes: UpdateEventDto;
}

export class SendNotificationCommand extends ActorCommand {
  @IsUUID('all', { message: 'id must be a UUID' }) eventId: string;
  @ValidateNested() @Type(() => SendNotificationDto) notification: SendNotificationDto;
}

export class SendNotificationsCommand extends ActorCommand {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SENDS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => BatchSendItemDto)
  sends: BatchSendItemDto[];
}

export class PreviewNotificationCommand extends ActorCommand {
  @IsUUID('all', { message: 'id must be a UUID' }) eventId: string;
  @ValidateNested() @Type(() => PreviewNotificationDto) notification: PreviewNotificationDto;
}

export class UpdateTemplateCommand extends ActorCommand {
  @IsUUID('all', { message: 'id must be a UUID' }) id: string;
  @ValidateNested() @Type(() => CreateTemplateDto) template: CreateTemplateDto;
}

export class ListNotificationsQuery extends NotificationQueryDto {}
