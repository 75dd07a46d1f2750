import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNELS, Channel } from '@appointments/domain';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ActorDto } from './commands';
import type { OptOutSource } from './domain-events';

/**
 * Staff put an address on the stop list by hand (a customer asked by phone, say) or take
 * it off. The address is an E.164 phone for `sms` and an email address for `email`;
 * inbound-response normalises it (phone to E.164, email to lower case) and refuses
 * anything else with a 400.
 */
export class StopListChangeDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: Channel;
  @ApiProperty({ example: '+14155550100' }) @IsString() @IsNotEmpty() @MaxLength(254) address: string;
  @ApiPropertyOptional({ example: 'Asked by phone not to be texted' }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class StopListCommand {
  @ValidateNested() @Type(() => ActorDto) actor: ActorDto;
  @ValidateNested() @Type(() => StopListChangeDto) entry: StopListChangeDto;
}

export class StopListQueryDto {
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS) channel?: Channel;
  @ApiPropertyOptional({ description: 'Part of the address' }) @IsOptional() @IsString() @MaxLength(254) address?: string;
}

export interface StopListEntryView {
  channel: Channel;
  address: string;
  source: OptOutSource;
  keyword: string | null;
  reason: string | null;
  changedBy: { id?: string; name: string } | null;
  optedOutAt: string;
}
