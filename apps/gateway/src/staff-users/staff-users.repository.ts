import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StaffRole } from '../persistence/staff-user.entity';

/** A staff user as the gateway reads it (the password hash only where a login needs it). */
export interface StaffUserRecord {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  tokenVersion: number;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface NewStaffUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  passwordHash: string;
}

/** What may change of a staff user; `passwordHash`, `role` and `disabled` move the token version on. */
export interface StaffUserChanges {
  name?: string;
  role?: StaffRole;
  passwordHash?: string;
  disabled?: boolean;
}

const COLUMNS = `id, email, name, role, token_version AS "tokenVersion", disabled_at AS "disabledAt", created_at AS "createdAt"`;

/** Every statement about staff users (`gateway.staff_users`). Emails are unique whatever their case. */
@Injectable()
export class StaffUsersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: string): Promise<StaffUserRecord | null> {
    const rows: StaffUserRecord[] = await this.db.query(`SELECT ${COLUMNS} FROM gateway.staff_users WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findByEmailWithPassword(email: string): Promise<(StaffUserRecord & { passwordHash: string }) | null> {
    const rows: (StaffUserRecord & { passwordHash: string })[] = await this.db.query(
      `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM gateway.staff_users WHERE lower(email) = lower($1)`,
      [email],
    );
    return rows[0] ?? null;
  }

  list(): Promise<StaffUserRecord[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM gateway.staff_users ORDER BY lower(email)`);
  }

  /** The new user, or null when a user with that email exists already. */
  async insert(user: NewStaffUser): Promise<StaffUserRecord | null> {
    const rows: StaffUserRecord[] = await this.db.query(
      `INSERT INTO gateway.staff_users (id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING ${COLUMNS}`,
      [user.id, user.email, user.name, user.role, user.passwordHash],
    );
    return rows[0] ?? null;
  }

  /**
   * Applies the changes; refuses (returns `last_admin`) when they would leave no active admin,
   * deciding under a lock on the admins so that two concurrent demotions cannot both pass.
   */
  async update(id: string, changes: StaffUserChanges): Promise<StaffUserRecord | null | 'last_admin'> {
    return this.db.transaction(async (manager) => {
      const losesAdmin = changes.role === 'staff' || changes.disabled === true;
      if (losesAdmin && (await this.isLastActiveAdmin(manager.query.bind(manager), id))) return 'last_admin';
      const revokes = changes.passwordHash !== undefined || changes.role !== undefined || changes.disabled !== undefined;
      const rows: StaffUserRecord[][] = await manager.query(
        `UPDATE gateway.staff_users SET
           name = COALESCE($2, name),
           role = COALESCE($3, role),
           password_hash = COALESCE($4, password_hash),
           disabled_at = CASE WHEN $5::boolean IS NULL THEN disabled_at WHEN $5 THEN COALESCE(disabled_at, now()) ELSE NULL END,
           token_version = token_version + CASE WHEN $6 THEN 1 ELSE 0 END
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, changes.name ?? null, changes.role ?? null, changes.passwordHash ?? null, changes.disabled ?? null, revokes],
      );
      return rows[0]?.[0] ?? null;
    });
  }

  /**
   * Stores a stronger hash of the same password, unless the hash changed meanwhile (no token is
   * revoked: the password did not change). Whether it was stored.
   */
  async upgradePasswordHash(id: string, previousHash: string, passwordHash: string): Promise<boolean> {
    const [, updated] = (await this.db.query('UPDATE gateway.staff_users SET password_hash = $3 WHERE id = $1 AND password_hash = $2', [
      id,
      previousHash,
      passwordHash,
    ])) as [unknown, number];
    return updated > 0;
  }

  /** Deletes the user; refuses (`last_admin`) to delete the last active admin. False when there was no such user. */
  async delete(id: string): Promise<boolean | 'last_admin'> {
    return this.db.transaction(async (manager) => {
      if (await this.isLastActiveAdmin(manager.query.bind(manager), id)) return 'last_admin';
      const [, deleted] = (await manager.query('DELETE FROM gateway.staff_users WHERE id = $1', [id])) as [unknown, number];
      return deleted > 0;
    });
  }

  private async isLastActiveAdmin(query: (sql: string, parameters?: unknown[]) => Promise<unknown>, id: string): Promise<boolean> {
    const admins = (await query(
      `SELECT id FROM gateway.staff_users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
    )) as { id: string }[];
    return admins.length === 1 && admins[0].id === id;
  }
}
