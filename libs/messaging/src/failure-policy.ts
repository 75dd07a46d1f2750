import { HttpException } from '@nestjs/common';
import { DOMAIN_ERROR_CODES } from '@appointments/domain';
import { PoisonMessage } from './domain-event';

/** Domain errors are refusals that no retry can fix. */
const PERMANENT_CODES = new Set<string>(DOMAIN_ERROR_CODES);

export interface ErrorShape {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The one place that decides what a handler's failure means for its message:
 * permanent (malformed, refused by the domain, validation failed) → dead-letter at once;
 * anything else (database or broker trouble, a bug that a deploy may fix) → retry with
 * the configured delays, then dead-letter.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof PoisonMessage) return true;
  if (error instanceof HttpException) return error.getStatus() >= 400 && error.getStatus() < 500;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PERMANENT_CODES.has(code);
}

/** The error as it crosses a process boundary (RPC answer, dead-letter headers). */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof HttpException) {
    const response = error.getResponse() as string | { message?: string | string[] };
    const messages = typeof response === 'string' ? [response] : [response.message ?? error.message].flat();
    return {
      code: error.getStatus() === 404 ? 'not_found' : error.getStatus() < 500 ? 'invalid_input' : 'internal',
      message: messages.join('; '),
      details: { errors: messages },
    };
  }
  if (error instanceof PoisonMessage) return { code: 'invalid_input', message: error.message };
  const candidate = error as { code?: unknown; message?: unknown; details?: unknown } | null;
  if (candidate && typeof candidate.code === 'string' && typeof candidate.message === 'string' && PERMANENT_CODES.has(candidate.code)) {
    return {
      code: candidate.code,
      message: candidate.message,
      ...(candidate.details && typeof candidate.details === 'object' ? { details: candidate.details as Record<string, unknown> } : {}),
    };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
