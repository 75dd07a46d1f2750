import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONFIRMATION_METHODS, ConfirmationMethod } from '@appointments/domain';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsE164Phone, NormalisePhone, Trim } from './validation';

export class CreateCustomerDto {
  @ApiProperty({ example: 'Jane Doe' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'jane@example.com' })
  @IsOptional()
  @Trim()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+14155550100', description: 'Mobile phone, E.164 (spaces and dashes are accepted and removed)' })
  @IsOptional()
  @NormalisePhone()
  @IsE164Phone()
  phone?: string;

  @ApiPropertyOptional({ enum: CONFIRMATION_METHODS, description: 'How the customer prefers to be notified; email when unset' })
  @IsOptional()
  @IsIn(CONFIRMATION_METHODS)
  preferredConfirmationMethod?: ConfirmationMethod;
}

export interface CustomerView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  preferredConfirmationMethod: ConfirmationMethod | null;
  createdAt: string;
}
