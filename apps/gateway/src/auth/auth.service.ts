import { Inject, Injectable, OnApplicationBootstrap, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { GATEWAY_SECRETS, GatewayConfig, GatewaySecrets } from '../gateway.config';
import { StaffRole } from '../persistence/staff-user.entity';
import { CurrentStaffUsers } from '../staff-users/current-staff-users';
import { StaffUsersRepository } from '../staff-users/staff-users.repository';
import { LoginThrottle } from './login-throttle';
import { hashPassword, unknownUserHash, verifyPassword } from './password-hashing';

export interface StaffPrincipal {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
}

/** A verified access token: who it stands for and when it expires (ISO-8601). */
export interface StaffSession {
  staff: StaffPrincipal;
  expiresAt: string;
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  constructor(
    private readonly users: StaffUsersRepository,
    private readonly jwt: JwtService,
    private readonly config: GatewayConfig,
    private readonly throttle: LoginThrottle,
    @Inject(GATEWAY_SECRETS) private readonly secrets: GatewaySecrets,
    private readonly currentUsers: CurrentStaffUsers,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when no user has that email. A
   * password made at start (ADMIN_PASSWORD not set, outside production) is printed then, once.
   */
  async onApplicationBootstrap() {
    await unknownUserHash(); // made now, so that the first login with an unknown email takes no longer than the others
    const email = this.config.ADMIN_EMAIL.toLowerCase();
    if (await this.findByEmail(email)) {
      if (this.secrets.generated.adminPassword)
        this.logger.warn({ email }, 'ADMIN_PASSWORD is not set; the existing admin keeps the password they have');
      return;
    }
    await this.users.insert({
      id: randomUUID(),
      email,
      name: this.config.ADMIN_NAME,
      passwordHash: await hashPassword(this.secrets.adminPassword),
      role: 'admin',
    });
    if (this.secrets.generated.adminPassword) {
      // Development only (production refuses to start without ADMIN_PASSWORD): the one way to learn it.
      this.logger.warn(
        { email, generatedPassword: this.secrets.adminPassword },
        'created the first admin with a generated password (ADMIN_PASSWORD is not set)',
      );
    } else this.logger.info({ email }, 'created the first admin from ADMIN_EMAIL');
  }

  /**
   * Checks a staff member's credentials and issues an access token. Throttled per client address
   * and per (address, email) before any hash is computed (LoginThrottle: 429 with Retry-After);
   * an unknown email is compared against a hash of no one, so that it takes as long. A matching
   * hash of an older kind (bcrypt) is replaced by today's. A disabled user is refused as if the
   * password were wrong.
   */
  async login(
    email: string,
    password: string,
    clientAddress: string,
  ): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const admitted = await this.throttle.admit(clientAddress, email);
    const user = await this.findByEmail(email);
    const check = await verifyPassword(password, user?.passwordHash ?? (await unknownUserHash()));
    if (!user || !check.matches || user.disabledAt) {
      this.logger.warn({ email, clientAddress }, 'failed staff login');
      throw new UnauthorizedException('Wrong email or password');
    }
    await this.throttle.succeeded(admitted);
    if (check.needsUpgrade) await this.upgradePasswordHash(user, password);
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      ver: user.tokenVersion,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS };
  }

  /** Stores today's hash of a password that just matched an older one, unless the hash changed meanwhile. Never fails the login. */
  private async upgradePasswordHash(user: { id: string; passwordHash: string }, password: string): Promise<void> {
    try {
      const upgraded = await this.users.upgradePasswordHash(user.id, user.passwordHash, await hashPassword(password));
      if (upgraded) this.logger.info({ userId: user.id }, 'upgraded a staff password hash to scrypt');
    } catch (error) {
      this.logger.warn({ err: error, userId: user.id }, 'could not upgrade a staff password hash; it stays as it was');
    }
  }

  private findByEmail(email: string) {
    return this.users.findByEmailWithPassword(email);
  }

  /**
   * The staff member a token stands for: signed with this gateway's secret (HS256 only), not
   * expired, and of a user who still exists, is not disabled and has the token version the token
   * carries (a password or role change moves it on). The user's role and name are today's.
   */
  async verify(token: string): Promise<StaffPrincipal> {
    return (await this.verifySession(token)).staff;
  }

  /** `verify`, and when the token expires (its `exp`): what the staff web app's session answers. */
  async verifySession(token: string): Promise<StaffSession> {
    let claims: { sub?: unknown; ver?: unknown; exp?: unknown };
    try {
      claims = await this.jwt.verifyAsync<{ sub?: unknown; ver?: unknown; exp?: unknown }>(token);
    } catch {
      throw new UnauthorizedException('The access token is invalid or has expired; log in again');
    }
    const user = typeof claims.sub === 'string' && isUUID(claims.sub) ? await this.currentUsers.find(claims.sub) : null;
    if (!user || user.disabledAt || user.tokenVersion !== claims.ver) {
      throw new UnauthorizedException('The access token is no longer valid (the account was changed, disabled or removed); log in again');
    }
    const expiresAt = new Date(typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now()).toISOString();
    return { staff: { id: user.id, email: user.email, name: user.name, role: user.role }, expiresAt };
  }
}
