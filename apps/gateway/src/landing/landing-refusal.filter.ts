import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { renderErrorPage } from '@appointments/landing-page';
import type { LandingErrorKind } from '@appointments/landing-page';
import { RemoteServiceError, ServiceTimeout, ServiceUnavailable } from '@appointments/messaging';
import { currentCorrelationId, LOGGER } from '@appointments/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { newNonce, sendPage } from './landing-page-reply';
import { isPlausibleLandingToken } from './landing-view-model';

/** A customer request the landing pages refuse, named by the error page that says so. */
export class LandingRefusal extends Error {
  constructor(
    readonly kind: LandingErrorKind,
    reason: string,
  ) {
    super(reason);
    this.name = 'LandingRefusal';
  }
}

/** Which error page a failure gets: the services' domain codes keep their meaning, everything else is "try again later". */
export function errorPageKind(error: unknown): LandingErrorKind {
  if (error instanceof LandingRefusal) return error.kind;
  if (error instanceof RemoteServiceError) {
    switch (error.code) {
      case 'not_found':
        return 'not_found';
      case 'expired':
        return 'expired';
      case 'transition_refused':
        return error.details?.bookingStatus === 'cancelled' ? 'cancelled' : 'not_answerable';
      case 'conflict':
        return 'not_answerable';
      case 'invalid_input':
        return 'bad_form';
      default:
        return 'unavailable';
    }
  }
  if (error instanceof ServiceUnavailable || error instanceof ServiceTimeout) return 'unavailable';
  // Fastify's own refusals before the handler (an unreadable body, an unsupported content type).
  if (error instanceof HttpException && error.getStatus() >= 400 && error.getStatus() < 500) return 'bad_form';
  return 'unavailable';
}

/**
 * The landing pages' one exception filter: every failure becomes the landing-page lib's error
 * page with its status (404, 410, 409, 400, 403, 503) and the same headers as any page; the
 * customer never sees the staff API's JSON errors or internal detail. Unexpected failures are
 * logged with the correlation id.
 */
@Catch()
export class LandingRefusalFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest<{ Params: { token?: string } }>>();
    const kind = errorPageKind(error);
    const token = isPlausibleLandingToken(request.params?.token) ? request.params.token : null;
    const nonce = newNonce();
    const page = renderErrorPage(kind, { nonce, token });
    const log = {
      kind,
      status: page.status,
      correlationId: currentCorrelationId(),
      err: error instanceof LandingRefusal ? undefined : error,
    };
    if (kind === 'unavailable') this.logger.error(log, 'landing page could not be served');
    else this.logger.info({ ...log, reason: error instanceof Error ? error.message : String(error) }, 'landing request refused');
    void sendPage(reply, page.status, page.html, nonce);
  }
}
