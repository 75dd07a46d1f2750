import type { LandingTokenView } from '@appointments/contracts';
import { EntityManager } from 'typeorm';
import { ReplyTargetRow, ReplyTargetsRepository } from './reply-targets.repository';

/** What a store of reply targets answers: the repository's public methods. */
type ReplyTargetsStore = { [Method in keyof ReplyTargetsRepository]: ReplyTargetsRepository[Method] };

/**
 * `ReplyTargetsRepository` in memory, for unit specs (the transaction given is not used): the
 * same answers, with `now` deciding what has expired. `lookups` lists the phones of each
 * `latestOpen`, for a spec that counts lookups.
 */
export class InMemoryReplyTargetsRepository implements ReplyTargetsStore {
  readonly lookups: (readonly string[])[] = [];
  private readonly rows = new Map<string, ReplyTargetRow>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** How many targets are kept, closed and expired ones included. */
  get size(): number {
    return this.rows.size;
  }

  async latestOpen(phones: readonly string[]): Promise<Map<string, LandingTokenView>> {
    this.lookups.push([...phones]);
    const latest = new Map<string, ReplyTargetRow>();
    for (const row of this.rows.values()) {
      if (!phones.includes(row.phone) || row.closed_at !== null || Date.parse(row.expires_at) <= this.now().getTime()) continue;
      const kept = latest.get(row.phone);
      if (!kept || later(row, kept)) latest.set(row.phone, row);
    }
    return new Map([...latest].map(([phone, row]) => [phone, view(row)]));
  }

  async add(_manager: EntityManager, rows: readonly ReplyTargetRow[]): Promise<number> {
    const fresh = rows.filter((row) => !this.rows.has(row.notification_id));
    for (const row of fresh) this.rows.set(row.notification_id, { ...row });
    return fresh.length;
  }

  async close(_manager: EntityManager, notificationIds: readonly string[]): Promise<void> {
    for (const id of notificationIds) {
      const row = this.rows.get(id);
      if (row && row.closed_at === null) row.closed_at = this.now().toISOString();
    }
  }

  async pruneExpired(keepExpiredMs: number): Promise<number> {
    const old = [...this.rows.values()].filter((row) => Date.parse(row.expires_at) < this.now().getTime() - keepExpiredMs);
    for (const row of old) this.rows.delete(row.notification_id);
    return old.length;
  }
}

/** Whether `a` is a later target than `b` for the same phone (created later; the greater id for the same time). */
function later(a: ReplyTargetRow, b: ReplyTargetRow): boolean {
  const created = Date.parse(a.created_at) - Date.parse(b.created_at);
  return created !== 0 ? created > 0 : a.notification_id > b.notification_id;
}

function view(row: ReplyTargetRow): LandingTokenView {
  return {
    notificationId: row.notification_id,
    eventId: row.event_id,
    customerId: row.customer_id,
    channel: row.channel as LandingTokenView['channel'],
    configKey: row.config_key,
    config: row.config,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    phone: row.phone,
  };
}
