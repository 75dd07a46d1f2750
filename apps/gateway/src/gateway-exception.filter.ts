import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { DOMAIN_ERROR_HTTP_STATUS } from '@appointments/domain';
import { RemoteServiceError, ServiceTimeout, ServiceUnavailable } from '@appointments/messaging';
import { currentCorrelationId } from '@appointments/observability';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { LoginThrottled } from './auth/login-throttle';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Record<string, unknown>;
  correlationId?: string;
}

/**
 * The gateway's one error style: `{statusCode, error, message, details?, correlationId}`.
 * Domain refusals from the services keep their meaning (409, 404, 400, 422); a service
 * that is down is 503, one that does not answer in time 504.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = GatewayExceptionFilter.toBody(exception);
    body.correlationId = currentCorrelationId();
    if (body.statusCode >= 500) this.logger.error({ err: exception, statusCode: body.statusCode }, body.message);
    if (exception instanceof LoginThrottled) void reply.header('retry-after', String(exception.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }

  /** The answer's body but its correlation id (also kept by the idempotency keys, to replay a refusal as it was sent). */
  static toBody(exception: unknown): ErrorBody {
    if (exception instanceof RemoteServiceError) {
      const statusCode = DOMAIN_ERROR_HTTP_STATUS[exception.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
      return {
        statusCode,
        error: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof ServiceUnavailable) {
      return { statusCode: 503, error: 'service_unavailable', message: `${exception.message}; try again shortly` };
    }
    if (exception instanceof ServiceTimeout) {
      return { statusCode: 504, error: 'service_timeout', message: exception.message };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse() as string | { message?: string | string[]; error?: string };
      const messages = typeof response === 'string' ? [response] : [response.message ?? exception.message].flat();
      return {
        statusCode,
        error: statusCode === 400 ? 'invalid_input' : (typeof response === 'object' && response.error) || exception.name,
        message: messages.join('; '),
        ...(messages.length > 1 || statusCode === 400 ? { details: { errors: messages } } : {}),
      };
    }
    return { statusCode: 500, error: 'internal', message: 'Internal error; the correlation id identifies it in the logs' };
  }
}
