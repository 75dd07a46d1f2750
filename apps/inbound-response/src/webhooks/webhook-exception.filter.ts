import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { DOMAIN_ERROR_HTTP_STATUS, DomainError } from '@appointments/domain';
import { currentCorrelationId, LOGGER } from '@appointments/observability';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { WebhookSignatureRefused } from './webhook-signature-refused';

/**
 * How the webhooks answer a failure. A refused signature is a bare 403 `invalid signature`
 * (the caller learns nothing about why); a malformed request is a 400 in the platform's error
 * shape naming what is wrong; anything else is a 500, logged, which makes the provider retry.
 */
@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof WebhookSignatureRefused) {
      void reply.status(HttpStatus.FORBIDDEN).type('text/plain; charset=utf-8').send('invalid signature');
      return;
    }
    const body = { ...errorBody(exception), correlationId: currentCorrelationId() };
    if (body.statusCode >= 500) this.logger.error({ err: exception }, 'webhook failed');
    else this.logger.warn({ statusCode: body.statusCode, error: body.error, reason: body.message }, 'webhook refused');
    void reply.status(body.statusCode).send(body);
  }
}

function errorBody(exception: unknown): { statusCode: number; error: string; message: string; details?: Record<string, unknown> } {
  if (exception instanceof DomainError) {
    const statusCode = DOMAIN_ERROR_HTTP_STATUS[exception.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode, error: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const messages =
      typeof response === 'string' ? [response] : [(response as { message?: string | string[] }).message ?? exception.message].flat();
    return {
      statusCode,
      error: statusCode === HttpStatus.BAD_REQUEST ? 'invalid_input' : exception.name,
      message: messages.join('; '),
      ...(statusCode === HttpStatus.BAD_REQUEST ? { details: { errors: messages } } : {}),
    };
  }
  return { statusCode: 500, error: 'internal', message: 'Internal error; the correlation id identifies it in the logs' };
}
