import { Inject, Injectable, OnApplicationBootstrap, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { LOGGER } from '@appointments/observability';
import * as bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Repository } from 'typeorm';
import { GatewayConfig } from '../gateway.config';
import { StaffRole, StaffUserEntity } from '../persistence/staff-user.entity';

export interface StaffPrincipal {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
}

const BCRYPT_COST = 11;
/** Compared against when the email is unknown, so both cases take the same time. */
const UNKNOWN_USER_HASH = bcrypt.hashSync('not-a-real-password', BCRYPT_COST);

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(StaffUserEntity) private readonly users: Repository<StaffUserEntity>,
    private readonly jwt: JwtService,
    private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when no user has that email. */
  async onApplicationBootstrap() {
    const email = this.config.ADMIN_EMAIL.toLowerCase();
    if (await this.findByEmail(email)) return;
    await this.users
      .createQueryBuilder()
      .insert()
      .values({
        id: randomUUID(),
        email,
        name: this.config.ADMIN_NAME,
        passwordHash: await bcrypt.hash(this.config.ADMIN_PASSWORD, BCRYPT_COST),
        role: 'admin',
      })
      .orIgnore()
      .execute();
    this.logger.info({ email }, 'created the first admin from ADMIN_EMAIL');
  }

  async login(email: string, password: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const user = await this.findByEmail(email);
    const matches = await bcrypt.compare(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !matches) {
      this.logger.warn({ email }, 'failed staff login');
      throw new UnauthorizedException('Wrong email or password');
    }
    const accessToken = await this.jwt.signAsync({ sub: user.id, email: user.email, name: user.name, role: user.role });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS };
  }

  /** Emails are unique whatever their case (index on lower(email)). */
  private findByEmail(email: string): Promise<StaffUserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = :email', { email: email.toLowerCase() }).getOne();
  }

  async verify(token: string): Promise<StaffPrincipal> {
    try {
      const claims = await this.jwt.verifyAsync<{ sub: string; email: string; name: string; role: StaffRole }>(token);
      return { id: claims.sub, email: claims.email, name: claims.name, role: claims.role };
    } catch {
      throw new UnauthorizedException('The access token is invalid or has expired; log in again');
    }
  }
}
