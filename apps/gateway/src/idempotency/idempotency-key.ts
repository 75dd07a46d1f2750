import { BadRequestException } from '@nestjs/common';
import { createHmac } from 'node:crypto';

/** The request header (Node gives header names in lower case). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer that repeats the first one instead of doing the work again. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` of a request: null when it has none (the route behaves as without
 * keys); 400 when it is not 1 to 255 printable ASCII characters (a UUID v4 is a good key).
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new BadRequestException('Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is a good key)');
  }
  return header;
}

/** What a key is bound to when first used: the route and a hash of what was asked. */
export interface IdempotentRequest {
  /** Method and route template, e.g. `POST /api/events/:id/notifications`. */
  route: string;
  /** HMAC-SHA256 (hex) of the canonical JSON of the route params, query and body (see `requestFingerprint`). */
  fingerprint: string;
}

/**
 * The key of the request fingerprints, derived from the gateway's JWT secret (the same on every
 * replica). Keyed, because a body may hold a password (POST /api/users) or a phone number: a
 * bare sha256 of it would be cheap to reverse by guessing for whoever reads the table.
 */
export function fingerprintKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('appointments idempotency-key request fingerprint v1').digest();
}

/**
 * HMAC-SHA256 of what the request asks for: its route params, query and JSON body, as
 * canonical JSON (object keys sorted at every level, array order kept), so that the same body
 * sent with its keys in another order or other whitespace is the same request.
 */
export function requestFingerprint(request: { params?: unknown; query?: unknown; body?: unknown }, key: Buffer): string {
  const canonical = canonicalJson({ params: request.params ?? {}, query: request.query ?? {}, body: request.body ?? null });
  return createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}

/** JSON with object keys sorted at every level; what JSON.stringify leaves out (undefined, functions) is left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
