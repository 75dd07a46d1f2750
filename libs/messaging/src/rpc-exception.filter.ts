import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError } from 'rxjs';

/**
 * Nest's default RPC exception handling turns every unknown error into "Internal server
 * error". For message handlers this filter hands the original error back to the
 * AmqpServer, which maps it in one place (failure-policy.ts) to a reply, a retry or a
 * dead-letter. HTTP errors (the service's /health port) keep Nest's usual handling.
 */
@Catch()
export class OriginalErrorRpcFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}
