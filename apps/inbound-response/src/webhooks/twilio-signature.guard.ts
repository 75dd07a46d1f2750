import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { FormFields, TwilioSignature } from './twilio-signature';
import { WebhookSignatureRefused } from './webhook-signature-refused';

/**
 * Lets a request through to a Twilio webhook only when `X-Twilio-Signature` matches; runs
 * before the body is validated, so a forged request learns nothing about the expected form.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(
    private readonly signature: TwilioSignature,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  canActivate(context: ExecutionContext): true {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['x-twilio-signature'];
    const check = this.signature.check(typeof header === 'string' ? header : undefined, request.url, formFields(request.body));
    if (check === 'valid') return true;
    const path = request.url.split('?')[0];
    if (check === 'unconfigured') {
      this.logger.error({ path }, 'Twilio webhook refused: TWILIO_AUTH_TOKEN is not configured, so no Twilio request can be verified');
    } else {
      this.logger.warn({ path, signature: check }, `Twilio webhook refused: signature ${check}`);
    }
    throw new WebhookSignatureRefused('twilio', check);
  }
}

/** The parsed form, or no fields when the body is anything else (it then cannot match a signature). */
function formFields(body: unknown): FormFields {
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return {};
  const values = Object.values(body);
  const isForm = values.every(
    (value) => typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string')),
  );
  return isForm ? (body as FormFields) : {};
}
