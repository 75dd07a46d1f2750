import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, IsUrl, MaxLength, ValidateNested } from 'class-validator';
import { ActorDto } from './commands';
import { IfGivenNotNull, Trim } from './validation';

/** Who customers see an email come from. The address must be on a verified sending domain. */
export class SenderSettingsDto {
  @ApiProperty({ example: 'Acme Appointments' }) @Trim() @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiProperty({ example: 'appointments@example.com' })
  @Trim()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;
  @ApiPropertyOptional({ example: 'https://example.com/logo.png', nullable: true, description: 'Shown at the top of every email' })
  @IfGivenNotNull()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'imageUrl must be an http(s) URL' })
  @MaxLength(2000)
  imageUrl?: string | null;
}

export class UpdateSenderSettingsCommand {
  @ValidateNested() @Type(() => ActorDto) actor: ActorDto;
  @ValidateNested() @Type(() => SenderSettingsDto) sender: SenderSettingsDto;
}

export interface SenderSettingsView {
  name: string;
  email: string;
  imageUrl: string | null;
  /** The domains an email may be sent from (configuration: `VERIFIED_SENDER_DOMAINS`). */
  verifiedDomains: string[];
  /** Whether the current address is on one of them; sends by email are refused while it is not. */
  verified: boolean;
  changedBy: { id?: string; name: string } | null;
  updatedAt: string | null;
}

export interface Sender {
  name: string;
  email: string;
  imageUrl: string | null;
}
