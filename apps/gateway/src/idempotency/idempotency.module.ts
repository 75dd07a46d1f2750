import { Module } from '@nestjs/common';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { IdempotencyRetention } from './idempotency-retention';

/**
 * The staff API's Idempotency-Keys: their store and its hourly purge. The routes that take a
 * key say so with `@AcceptsIdempotencyKey()`, whose interceptor Nest builds in the module of
 * their controllers (which imports this one for the store).
 */
@Module({
  providers: [IdempotencyKeysRepository, IdempotencyRetention],
  exports: [IdempotencyKeysRepository],
})
export class IdempotencyModule {}
