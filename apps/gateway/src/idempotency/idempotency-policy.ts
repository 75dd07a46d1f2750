import { ConflictException, HttpException, HttpStatus, UnprocessableEntityException } from '@nestjs/common';
import { IdempotentRequest } from './idempotency-key';

/** How long a key is remembered after its first use. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600;

/**
 * A first request that has not answered after this long never will (its gateway stopped):
 * a retry is told the outcome is unknown rather than "still in progress". Well above the
 * RPC timeout (RPC_TIMEOUT_MS, 5 s by default), which bounds every marked route.
 */
export const IN_PROGRESS_LEASE_MS = 60_000;

/** A key as stored: what it was first used for, and the answer once there is one. */
export interface StoredIdempotencyKey extends IdempotentRequest {
  startedAt: Date;
  response: { status: number; body: unknown } | null;
}

export type ExistingKeyAnswer = { kind: 'replay'; status: number; body: unknown } | { kind: 'refuse'; error: HttpException };

/** What a request answers when its key was already used (and has not expired). */
export function answerForUsedKey(stored: StoredIdempotencyKey, request: IdempotentRequest, now: Date): ExistingKeyAnswer {
  if (stored.route !== request.route) {
    return refuse(
      new UnprocessableEntityException({
        error: 'idempotency_key_reused',
        message: `This Idempotency-Key was first used for ${stored.route}; send another request with a new key`,
      }),
    );
  }
  if (stored.fingerprint !== request.fingerprint) {
    return refuse(
      new UnprocessableEntityException({
        error: 'idempotency_key_reused',
        message: 'This Idempotency-Key was first used with another body; send a changed request with a new key',
      }),
    );
  }
  if (stored.response) return { kind: 'replay', status: stored.response.status, body: stored.response.body };
  if (now.getTime() - stored.startedAt.getTime() < IN_PROGRESS_LEASE_MS) {
    return refuse(
      new ConflictException({
        error: 'idempotency_key_in_progress',
        message: 'A request with this Idempotency-Key is still in progress; try again shortly',
      }),
    );
  }
  return refuse(
    new ConflictException({
      error: 'idempotency_outcome_unknown',
      message:
        'The first request with this Idempotency-Key was interrupted before it answered and may have been carried out; ' +
        'check whether it was (e.g. list what it would have created) before sending it again with a new key',
    }),
  );
}

/**
 * Whether the first request's answer is kept and replayed, or the key released so that a
 * retry does the work. Kept: every success and every 4xx (the same request would be refused
 * the same way), and 504, after which the service may still have done the work (a retry must
 * not do it twice). Released: the other 5xx (the service was not running or failed, its
 * transaction rolled back: nothing was done).
 */
export function keepsAnswer(status: number): boolean {
  return status < 500 || status === HttpStatus.GATEWAY_TIMEOUT;
}

function refuse(error: HttpException): ExistingKeyAnswer {
  return { kind: 'refuse', error };
}
