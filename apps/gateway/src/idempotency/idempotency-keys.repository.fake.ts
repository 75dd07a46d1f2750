import { IdempotentRequest } from './idempotency-key';
import { IdempotencyKeysRepository, IdempotencyScope } from './idempotency-keys.repository';
import { IDEMPOTENCY_KEY_TTL_SECONDS, StoredIdempotencyKey } from './idempotency-policy';

/** What a store of Idempotency-Keys answers: the repository's public methods. */
type IdempotencyKeysStore = { [Method in keyof IdempotencyKeysRepository]: IdempotencyKeysRepository[Method] };

/**
 * `IdempotencyKeysRepository` in memory, for unit specs: the same answers, including expiry (by
 * `now`). Its statements themselves are tested on PostgreSQL in
 * `test/integration/gateway/idempotency-keys.int-spec.ts`.
 */
export class InMemoryIdempotencyKeysRepository implements IdempotencyKeysStore {
  private readonly keys = new Map<string, { stored: StoredIdempotencyKey; expiresAt: number }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** How many keys are held, expired ones included until purged. */
  get size(): number {
    return this.keys.size;
  }

  async claim(scope: IdempotencyScope, request: IdempotentRequest, ttlSeconds = IDEMPOTENCY_KEY_TTL_SECONDS): Promise<boolean> {
    if (this.live(scope)) return false;
    const startedAt = this.now();
    this.keys.set(idOf(scope), {
      stored: { route: request.route, fingerprint: request.fingerprint, startedAt, response: null },
      expiresAt: startedAt.getTime() + ttlSeconds * 1000,
    });
    return true;
  }

  async find(scope: IdempotencyScope): Promise<StoredIdempotencyKey | null> {
    const held = this.live(scope);
    return held ? { ...held.stored } : null;
  }

  async complete(scope: IdempotencyScope, status: number, body: unknown): Promise<void> {
    const held = this.keys.get(idOf(scope));
    if (held && !held.stored.response) held.stored.response = { status, body };
  }

  async release(scope: IdempotencyScope): Promise<void> {
    if (!this.keys.get(idOf(scope))?.stored.response) this.keys.delete(idOf(scope));
  }

  async purgeExpired(): Promise<number> {
    const expired = [...this.keys].filter(([, held]) => held.expiresAt <= this.now().getTime());
    for (const [id] of expired) this.keys.delete(id);
    return expired.length;
  }

  private live(scope: IdempotencyScope) {
    const held = this.keys.get(idOf(scope));
    return held && held.expiresAt > this.now().getTime() ? held : undefined;
  }
}

function idOf(scope: IdempotencyScope): string {
  return `${scope.staffId}\u0000${scope.key}`;
}
