import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC exception handling turns every unknown error into "Internal server
 * error". This filter hands the original error back to the AmqpServer, which maps it in
 * one place (failure-policy.ts) to a reply, a retry or a dead-letter.
 */
@Catch()
export class OriginalErrorRpcFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
