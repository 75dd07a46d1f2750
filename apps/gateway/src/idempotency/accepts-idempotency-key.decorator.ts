import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Marks a creating or sending staff route: it takes an optional `Idempotency-Key` header
 * (see IdempotencyInterceptor), and OpenAPI says so.
 */
export const AcceptsIdempotencyKey = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
      description:
        'Optional; 1 to 255 printable ASCII characters (a UUID is a good key), kept 24 hours per staff user. ' +
        'A retry with the same key and body gets the first answer again (header `Idempotent-Replayed: true`) without the work being done twice, ' +
        'a 4xx or 504 included; after another 5xx the retry does the work. The same key with another body or route is 422; ' +
        'while the first request is still running, 409.',
    }),
    ApiUnprocessableEntityResponse({
      description: 'The Idempotency-Key was first used with another body or route (`idempotency_key_reused`)',
    }),
    ApiConflictResponse({ description: 'A request with this Idempotency-Key is still in progress (`idempotency_key_in_progress`)' }),
  );
