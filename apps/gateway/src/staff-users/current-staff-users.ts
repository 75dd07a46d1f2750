import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { StaffUserRecord, StaffUsersRepository } from './staff-users.repository';

interface Remembered {
  user: StaffUserRecord | null;
  until: number;
}

/** Most users remembered at once; past it the oldest go first. */
const MAX_ENTRIES = 10_000;

/**
 * Who a token's user is now, for `AuthService.verify`: a token outlives a deletion, a disabling,
 * a password or role change unless each request asks. Asking the database on every request
 * would cost a round trip per call, so the answer is remembered for STAFF_USER_CACHE_MS
 * (5 s by default), and forgotten at once when this gateway changes the user.
 */
@Injectable()
export class CurrentStaffUsers {
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly users: StaffUsersRepository,
    private readonly config: GatewayConfig,
  ) {}

  async find(id: string, now = Date.now()): Promise<StaffUserRecord | null> {
    const known = this.remembered.get(id);
    if (known && known.until > now) return known.user;
    const user = await this.users.findById(id);
    if (this.config.STAFF_USER_CACHE_MS > 0) {
      this.remembered.delete(id);
      if (this.remembered.size >= MAX_ENTRIES) this.remembered.delete(this.remembered.keys().next().value as string);
      this.remembered.set(id, { user, until: now + this.config.STAFF_USER_CACHE_MS });
    }
    return user;
  }

  /** The user changed here: the next token of theirs is checked against the database. */
  forget(id: string): void {
    this.remembered.delete(id);
  }
}
