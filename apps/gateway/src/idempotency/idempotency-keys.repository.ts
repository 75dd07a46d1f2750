import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdempotentRequest } from './idempotency-key';
import { IDEMPOTENCY_KEY_TTL_SECONDS, StoredIdempotencyKey } from './idempotency-policy';

/** Whose key it is: keys are scoped to the staff user, so two users never share one. */
export interface IdempotencyScope {
  staffId: string;
  key: string;
}

interface RawKey {
  route: string;
  request_hash: string;
  started_at: Date;
  response_status: number | null;
  response_body: unknown;
}

/**
 * The staff API's Idempotency-Keys (`gateway.idempotency_keys`): every statement about them. A
 * key older than its expiry counts as never used.
 */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims the key for this request: true when it was unused (or expired), so that this request
   * does the work; false when another request holds it (then `find` says what it holds). One
   * statement, so that of concurrent requests with the same key exactly one claims it.
   */
  async claim(scope: IdempotencyScope, request: IdempotentRequest, ttlSeconds = IDEMPOTENCY_KEY_TTL_SECONDS): Promise<boolean> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO gateway.idempotency_keys AS used (staff_id, key, route, request_hash, started_at, expires_at)
       VALUES ($1, $2, $3, $4, now(), now() + make_interval(secs => $5))
       ON CONFLICT (staff_id, key) DO UPDATE
         SET route = EXCLUDED.route, request_hash = EXCLUDED.request_hash, started_at = EXCLUDED.started_at, expires_at = EXCLUDED.expires_at,
             response_status = NULL, response_body = NULL, completed_at = NULL
         WHERE used.expires_at <= now()
       RETURNING 1 AS claimed`,
      [scope.staffId, scope.key, request.route, request.fingerprint, ttlSeconds],
    );
    return claimed.length === 1;
  }

  /** The key as stored, or null when unused or expired. */
  async find(scope: IdempotencyScope): Promise<StoredIdempotencyKey | null> {
    const [raw]: RawKey[] = await this.dataSource.query(
      `SELECT route, request_hash, started_at, response_status, response_body FROM gateway.idempotency_keys
       WHERE staff_id = $1 AND key = $2 AND expires_at > now()`,
      [scope.staffId, scope.key],
    );
    if (!raw) return null;
    return {
      route: raw.route,
      fingerprint: raw.request_hash,
      startedAt: raw.started_at,
      response: raw.response_status === null ? null : { status: raw.response_status, body: raw.response_body ?? undefined },
    };
  }

  /** Keeps the first request's answer, to be replayed to the key's later requests. */
  async complete(scope: IdempotencyScope, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE gateway.idempotency_keys SET response_status = $3, response_body = $4::json, completed_at = now()
       WHERE staff_id = $1 AND key = $2 AND response_status IS NULL`,
      [scope.staffId, scope.key, status, body === undefined ? null : JSON.stringify(body)],
    );
  }

  /** Frees a claimed key whose request did nothing, so that a retry with it does the work. */
  async release(scope: IdempotencyScope): Promise<void> {
    await this.dataSource.query(`DELETE FROM gateway.idempotency_keys WHERE staff_id = $1 AND key = $2 AND response_status IS NULL`, [
      scope.staffId,
      scope.key,
    ]);
  }

  /** Deletes expired keys; returns how many. */
  async purgeExpired(): Promise<number> {
    const purged: unknown[] = await this.dataSource.query(
      // Through a CTE: TypeORM answers a bare DELETE with [rows, count], a SELECT with rows.
      `WITH purged AS (DELETE FROM gateway.idempotency_keys WHERE expires_at <= now() RETURNING 1) SELECT count(*)::int AS count FROM purged`,
    );
    return (purged[0] as { count: number }).count;
  }
}
