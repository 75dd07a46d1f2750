import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '@appointments/observability';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/password-hashing';
import { Staff } from '../auth/staff-auth.guard';
import type { StaffPrincipal } from '../auth/auth.service';
import { AcceptsIdempotencyKey } from '../idempotency/accepts-idempotency-key.decorator';
import { STAFF_ROLES, StaffRole } from '../persistence/staff-user.entity';
import { CurrentStaffUsers } from './current-staff-users';
import { StaffUserRecord, StaffUsersRepository } from './staff-users.repository';

/** The rule every staff password follows (the first admin's included, see ADMIN_PASSWORD). */
const PASSWORD_RULE = { min: 12, max: 200 };

export class CreateStaffUserDto {
  @ApiProperty({ example: 'sam@example.com' }) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(320) email: string;
  @ApiProperty({ example: 'Sam Staff' }) @IsString() @MinLength(1) @MaxLength(100) name: string;
  @ApiProperty({ minLength: PASSWORD_RULE.min })
  @IsString()
  @MinLength(PASSWORD_RULE.min, { message: `password must be at least ${PASSWORD_RULE.min} characters long` })
  @MaxLength(PASSWORD_RULE.max)
  password: string;
  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role: StaffRole;
}

export class UpdateStaffUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @ApiPropertyOptional({ minLength: PASSWORD_RULE.min })
  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_RULE.min, { message: `password must be at least ${PASSWORD_RULE.min} characters long` })
  @MaxLength(PASSWORD_RULE.max)
  password?: string;
  @ApiPropertyOptional({ enum: STAFF_ROLES }) @IsOptional() @IsIn(STAFF_ROLES) role?: StaffRole;
  @ApiPropertyOptional({ description: 'true: the user can no longer sign in and their tokens are refused' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

class StaffUserView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: STAFF_ROLES }) role: StaffRole;
  @ApiProperty() disabled: boolean;
  @ApiProperty() createdAt: string;
}

const LAST_ADMIN = 'The last active admin cannot be removed, disabled or made staff; make another admin first';
const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });

/**
 * Staff accounts, for admins. A password, role or disabled change (and a deletion) refuses the
 * user's tokens from then on: at once on this gateway, within STAFF_USER_CACHE_MS on others.
 */
@ApiTags('staff users')
@AdminOnly()
@ApiForbiddenResponse({ description: 'Only an admin may manage staff users' })
@Controller('api/users')
export class StaffUsersController {
  constructor(
    private readonly users: StaffUsersRepository,
    private readonly currentUsers: CurrentStaffUsers,
  ) {}

  @Get()
  @ApiOkResponse({ type: StaffUserView, isArray: true })
  async list(): Promise<StaffUserView[]> {
    return (await this.users.list()).map(view);
  }

  @Post()
  @AcceptsIdempotencyKey()
  @ApiOperation({ summary: 'Add a staff member who can sign in' })
  @ApiCreatedResponse({ type: StaffUserView })
  @ApiConflictResponse({ description: 'A user with that email exists' })
  async create(@Body() body: CreateStaffUserDto): Promise<StaffUserView> {
    const created = await this.users.insert({
      id: randomUUID(),
      email: body.email,
      name: body.name,
      role: body.role,
      passwordHash: await hashPassword(body.password),
    });
    if (!created) throw new ConflictException(`A staff user with the email ${body.email} exists already`);
    return view(created);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a staff member's name, password, role, or disable them" })
  @ApiOkResponse({ type: StaffUserView })
  async update(@Param('id', uuid) id: string, @Body() body: UpdateStaffUserDto): Promise<StaffUserView> {
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    const updated = await this.users.update(id, { name: body.name, role: body.role, disabled: body.disabled, passwordHash });
    this.currentUsers.forget(id);
    if (updated === 'last_admin') throw new ConflictException(LAST_ADMIN);
    if (!updated) throw new NotFoundException(`No staff user has the id ${id}`);
    return view(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a staff member; their tokens are refused from then on' })
  async remove(@Param('id', uuid) id: string, @Staff() staff: StaffPrincipal): Promise<void> {
    if (id === staff.id) throw new ConflictException('You cannot remove yourself; ask another admin');
    const deleted = await this.users.delete(id);
    this.currentUsers.forget(id);
    if (deleted === 'last_admin') throw new ConflictException(LAST_ADMIN);
    if (!deleted) throw new NotFoundException(`No staff user has the id ${id}`);
  }
}

function view(user: StaffUserRecord): StaffUserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}
