import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONFIRMATION_METHODS, ConfirmationMethod } from '@appointments/domain';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IfGivenNotNull, IsE164Phone, NormalisePhone, Trim } from './validation';

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

/**
 * `PATCH /api/customers/:id`: the fields to change. Notifications sent from then on use the new
 * details (a reminder prepared before is prepared again); those already sent are not resent.
 */
export class UpdateCustomerDto {
  @ApiPropertyOptional({ example: 'Jane Smith', description: 'Cannot be cleared' })
  @ValidateIf((_, value) => value !== undefined) // null is refused: every customer has a name
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'jane.smith@example.com', nullable: true, description: 'null clears it' })
  @IfGivenNotNull()
  @Trim()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    example: '+14155550100',
    nullable: true,
    description: 'Mobile phone, E.164 (spaces and dashes are accepted and removed); null clears it',
  })
  @IfGivenNotNull()
  @NormalisePhone()
  @IsE164Phone()
  phone?: string | null;

  @ApiPropertyOptional({ enum: CONFIRMATION_METHODS, nullable: true, description: 'null: none set (email)' })
  @IfGivenNotNull()
  @IsIn(CONFIRMATION_METHODS)
  preferredConfirmationMethod?: ConfirmationMethod | null;
}

/** `GET /api/customers`: the newest 500, or those that match `search`. */
export class CustomerQueryDto {
  @ApiPropertyOptional({
    description: 'Part of the name or email (any case), or of the phone number (its digits: "415 555" finds +14155550100)',
    example: 'jane',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  search?: string;
}

export interface CustomerView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  preferredConfirmationMethod: ConfirmationMethod | null;
  createdAt: string;
  /** The last change of the customer's details (its creation until then). */
  updatedAt: string;
}
