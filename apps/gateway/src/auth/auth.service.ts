import { Inject, Injectable, OnApplicationBootstrap, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Repository } from 'typeorm';
import { GatewayConfig } from '../gateway.config';
import { StaffRole, StaffUserEntity } from '../persistence/staff-user.entity';
import { LoginThrottle } from './login-throttle';
import { hashPassword, unknownUserHash, verifyPassword } from './password-hashing';

export interface StaffPrincipal {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(StaffUserEntity) private readonly users: Repository<StaffUserEntity>,
    private readonly jwt: JwtService,
    private readonly config: GatewayConfig,
    private readonly throttle: LoginThrottle,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when no user has that email. */
  async onApplicationBootstrap() {
    await unknownUserHash(); // made now, so that the first login with an unknown email takes no longer than the others
    const email = this.config.ADMIN_EMAIL.toLowerCase();
    if (await this.findByEmail(email)) return;
    await this.users
      .createQueryBuilder()
      .insert()
      .values({
        id: randomUUID(),
        email,
        name: this.config.ADMIN_NAME,
        passwordHash: await hashPassword(this.config.ADMIN_PASSWORD),
        role: 'admin',
      })
      .orIgnore()
      .execute();
    this.logger.info({ email }, 'created the first admin from ADMIN_EMAIL');
  }

  /**
   * Checks a staff member's credentials and issues an access token. Throttled per client address
   * and per (address, email) before any hash is computed (LoginThrottle: 429 with Retry-After);
   * an unknown email is compared against a hash of no one, so that it takes as long. A matching
   * hash of an older kind (bcrypt) is replaced by today's.
   */
  async login(email: string, password: string, clientAddress: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const admitted = await this.throttle.admit(clientAddress, email);
    const user = await this.findByEmail(email);
    const check = await verifyPassword(password, user?.passwordHash ?? (await unknownUserHash()));
    if (!user || !check.matches) {
      this.logger.warn({ email, clientAddress }, 'failed staff login');
      throw new UnauthorizedException('Wrong email or password');
    }
    await this.throttle.succeeded(admitted);
    if (check.needsUpgrade) await this.upgradePasswordHash(user, password);
    const accessToken = await this.jwt.signAsync({ sub: user.id, email: user.email, name: user.name, role: user.role });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS };
  }

  /** Stores today's hash of a password that just matched an older one, unless the hash changed meanwhile. Never fails the login. */
  private async upgradePasswordHash(user: StaffUserEntity, password: string): Promise<void> {
    try {
      const passwordHash = await hashPassword(password);
      const result = await this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash });
      if (result.affected) this.logger.info({ userId: user.id }, 'upgraded a staff password hash to scrypt');
    } catch (error) {
      this.logger.warn({ err: error, userId: user.id }, 'could not upgrade a staff password hash; it stays as it was');
    }
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
