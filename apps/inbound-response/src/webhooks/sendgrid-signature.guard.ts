import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { SendGridSignature } from './sendgrid-signature';
import { WebhookSignatureRefused } from './webhook-signature-refused';

const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * Lets a request through to the SendGrid event webhook only when it is signed with the
 * configured verification key and its signed timestamp is within the tolerance (or, outside
 * production, when no key is configured). Needs the route's raw body (`@RawBody()`).
 */
@Injectable()
export class SendGridSignatureGuard implements CanActivate {
  constructor(
    private readonly signature: SendGridSignature,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  canActivate(context: ExecutionContext): true {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const check = this.signature.check(rawBody, headerValue(request, SIGNATURE_HEADER), headerValue(request, TIMESTAMP_HEADER));
    if (check === 'valid' || check === 'not_required') return true;
    const path = request.url.split('?')[0];
    if (check === 'unconfigured') {
      this.logger.error(
        { path },
        'SendGrid event webhook refused: SENDGRID_WEBHOOK_VERIFICATION_KEY is not configured, and production takes no unsigned events',
      );
    } else if (check === 'stale') {
      this.logger.warn(
        { path, signature: check, timestamp: headerValue(request, TIMESTAMP_HEADER) },
        'SendGrid event webhook refused: signed timestamp outside the tolerance (replay?)',
      );
    } else {
      this.logger.warn({ path, signature: check }, `SendGrid event webhook refused: signature ${check}`);
    }
    throw new WebhookSignatureRefused('sendgrid', check);
  }
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
