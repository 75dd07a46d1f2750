import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { TwilioSignatureGuard } from '../webhooks/twilio-signature.guard';
import { WebhookExceptionFilter } from '../webhooks/webhook-exception.filter';
import { ReceiveInboundSms } from './receive-inbound-sms';
import { TwilioInboundSmsDto } from './twilio-inbound-sms.dto';
import { TWIML_CONTENT_TYPE, twimlReply } from './twiml';

/**
 * Twilio's inbound message webhook: a customer's SMS to our number. Signature first (403,
 * nothing applied), then the form (400), then the message is applied once per MessageSid and
 * answered with TwiML: the help text, the reply to a number with no open notification, or
 * an empty `<Response/>`. A repeated MessageSid gets the same answer and changes nothing.
 */
@Controller('webhooks/twilio')
@UseFilters(WebhookExceptionFilter)
export class TwilioInboundSmsController {
  constructor(
    private readonly inbound: ReceiveInboundSms,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('sms')
  @HttpCode(HttpStatus.OK)
  @UseGuards(TwilioSignatureGuard)
  async receive(@Body() form: TwilioInboundSmsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const outcome = await this.inbound.execute({ messageSid: form.MessageSid, from: form.From, to: form.To, body: form.Body ?? '' });
    this.logger.debug(
      { messageSid: form.MessageSid, kind: outcome.kind, duplicate: outcome.duplicate, replied: outcome.reply !== null },
      'inbound SMS answered',
    );
    // Set here, not with @Header: a refusal (400, 500) is answered as JSON by the filter.
    void reply.type(TWIML_CONTENT_TYPE);
    return twimlReply(outcome.reply);
  }
}
