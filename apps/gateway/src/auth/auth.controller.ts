import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { AuthService } from './auth.service';
import { PublicRoute } from '@appointments/observability';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' }) @IsEmail({}, { message: 'email must be an email address' }) email: string;
  @ApiProperty({ example: 'admin-password' }) @IsString() @MinLength(1) @MaxLength(200) password: string;
}

class AccessTokenDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: string;
  @ApiProperty({ example: 900, description: 'Seconds until the token expires' }) expiresIn: number;
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @PublicRoute()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password' })
  @ApiTooManyRequestsResponse({
    description:
      'Too many failed logins for this email from this address, or too many attempts from this address, in 15 minutes; `Retry-After` gives the seconds to wait',
  })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login(body.email, body.password, request.ip);
  }
}
