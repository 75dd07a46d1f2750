import {
  CallHandler,
  ConflictException,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  UnauthorizedException,
} from '@nestjs/common';
import { currentCorrelationId, LOGGER } from '@appointments/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import type { StaffPrincipal } from '../auth/auth.service';
import { GatewayExceptionFilter } from '../gateway-exception.filter';
import { GATEWAY_SECRETS, type GatewaySecrets } from '../gateway.config';
import {
  fingerprintKey,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotentRequest,
  parseIdempotencyKey,
  requestFingerprint,
} from './idempotency-key';
import { IdempotencyKeysRepository, IdempotencyScope } from './idempotency-keys.repository';
import { answerForUsedKey, keepsAnswer } from './idempotency-policy';

type StaffRequest = FastifyRequest & { staff?: StaffPrincipal };

/** A key released between our failed claim and our read is claimed again; more than this many times means heavy contention. */
const CLAIM_ATTEMPTS = 3;

/**
 * `Idempotency-Key` on the staff API's creating and sending routes (those marked
 * `@AcceptsIdempotencyKey()`), as Stripe's API has it: the first request with a key does the
 * work and its answer is kept for 24 hours; a later one with the same key and request gets
 * that answer again (`Idempotent-Replayed: true`) without doing the work; the same key for
 * another request is 422; while the first is still running, 409. Keys belong to the staff
 * user. Without the header the route behaves as it always did. See README.md beside it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly fingerprintKey: Buffer;

  constructor(
    private readonly keys: IdempotencyKeysRepository,
    @Inject(GATEWAY_SECRETS) secrets: Pick<GatewaySecrets, 'jwtSecret'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.fingerprintKey = fingerprintKey(secrets.jwtSecret);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<StaffRequest>();
    const key = parseIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === null) return next.handle();
    // Set by the access guard, which runs before interceptors, on every route that is not public.
    if (!request.staff) throw new UnauthorizedException();
    const scope: IdempotencyScope = { staffId: request.staff.id, key };
    const asked: IdempotentRequest = {
      route: `${request.method} ${request.routeOptions.url}`,
      fingerprint: requestFingerprint({ params: request.params, query: request.query, body: request.body }, this.fingerprintKey),
    };
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      if (await this.keys.claim(scope, asked)) return this.doTheWork(scope, reply, next);
      const stored = await this.keys.find(scope);
      if (!stored) continue; // released (or expired) since the claim: claim it again
      const answer = answerForUsedKey(stored, asked, new Date());
      if (answer.kind === 'refuse') throw answer.error;
      // The route's own status (201, 202...) was set before interceptors run; Nest does not set it again.
      void reply.status(answer.status).header(IDEMPOTENT_REPLAYED_HEADER, 'true');
      return of(answer.body);
    }
    throw new ConflictException({
      error: 'idempotency_key_in_progress',
      message: 'A request with this Idempotency-Key is still in progress; try again shortly',
    });
  }

  /** Runs the route, then keeps its answer for the key, or releases the key when nothing was done. */
  private doTheWork(scope: IdempotencyScope, reply: FastifyReply, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      mergeMap(async (body) => {
        await this.keep(scope, reply.statusCode, body);
        return body;
      }),
      catchError((error: unknown) => from(this.settleFailure(scope, error)).pipe(mergeMap(() => throwError(() => error)))),
    );
  }

  private async settleFailure(scope: IdempotencyScope, error: unknown): Promise<void> {
    const body = GatewayExceptionFilter.toBody(error);
    if (keepsAnswer(body.statusCode)) {
      await this.keep(scope, body.statusCode, { ...body, correlationId: currentCorrelationId() });
      return;
    }
    try {
      await this.keys.release(scope);
    } catch (releaseError) {
      this.logger.warn(
        { err: releaseError, idempotencyKeyOf: scope.staffId },
        'could not release an Idempotency-Key after a failed request; retries with it answer 409 until it expires',
      );
    }
  }

  /** The work is done: a failure to keep its answer must not fail the answer (a retry then gets 409, never a second run). */
  private async keep(scope: IdempotencyScope, status: number, body: unknown): Promise<void> {
    try {
      await this.keys.complete(scope, status, body);
    } catch (error) {
      this.logger.warn(
        { err: error, idempotencyKeyOf: scope.staffId },
        'could not keep the answer of an Idempotency-Key; retries with it answer 409 until it expires',
      );
    }
  }
}
