import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { currentCorrelationId, LOGGER } from '@appointments/observability';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { InboundConfig } from '../inbound.config';
import { TwilioSignatureGuard } from '../webhooks/twilio-signature.guard';
import { WebhookExceptionFilter } from '../webhooks/webhook-exception.filter';
import { GroupCommit } from './group-commit';
import { ReceiveSmsReply, SmsReply, SmsReplyAnswer } from './receive-sms-reply';
import { TwilioInboundSmsDto } from './twilio-inbound-sms.dto';
import { TWIML_CONTENT_TYPE, twimlReply } from './twiml';

/** The most SMS received as one group (one lookup, one transaction). */
const MAX_SMS_GROUP_SIZE = 200;
/**
 * Groups received at once per process: one, so that a group is everything that arrived while
 * the previous one ran (two halve the groups and cost more CPU per SMS; see decisions.md).
 */
const SMS_GROUPS_IN_FLIGHT = 1;

/**
 * Twilio's inbound message webhook: a customer's SMS to our number. Signature first (403,
 * nothing applied), then the form (400), then the SMS is received (`ReceiveSmsReply`) and
 * answered with TwiML: the help text, the reply to a number with no open notification, or an
 * empty `<Response/>`. A repeated MessageSid gets the same answer and changes nothing.
 *
 * SMS that arrive together are handed to the use case as one list (group commit, up to
 * `SMS_GROUP_LINGER_MS` of waiting): the cost of a list is mostly per list, which is how 500
 * replies a second are met.
 */
@Controller('webhooks/twilio')
@UseFilters(WebhookExceptionFilter)
export class TwilioInboundSmsController {
  private readonly groups: GroupCommit<SmsReply, SmsReplyAnswer>;

  constructor(
    receiveSmsReply: ReceiveSmsReply,
    config: InboundConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.groups = new GroupCommit((replies) => receiveSmsReply.execute(replies), {
      maxGroupSize: MAX_SMS_GROUP_SIZE,
      maxGroupsInFlight: SMS_GROUPS_IN_FLIGHT,
      lingerMs: config.SMS_GROUP_LINGER_MS,
      onGroupFailed: (error, size) => logger.warn({ err: error, size }, 'inbound SMS group failed; receiving each SMS alone'),
    });
  }

  @Post('sms')
  @HttpCode(HttpStatus.OK)
  @UseGuards(TwilioSignatureGuard)
  async receive(@Body() form: TwilioInboundSmsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const answer = await this.groups.submit({
      messageSid: form.MessageSid,
      from: form.From,
      to: form.To,
      body: form.Body ?? '',
      correlationId: currentCorrelationId(),
    });
    // Logged here, in the request's own correlation context (the group ran in another's).
    if (answer.duplicate)
      this.logger.info({ messageSid: form.MessageSid, kind: answer.kind }, 'inbound SMS already applied; answered as before');
    else {
      const { from, kind, eventId, notificationId, responseId } = answer;
      this.logger.info({ messageSid: form.MessageSid, from, kind, eventId, notificationId, responseId }, 'inbound SMS applied');
    }
    // Set here, not with @Header: a refusal (400, 500) is answered as JSON by the filter.
    void reply.type(TWIML_CONTENT_TYPE);
    return twimlReply(answer.reply);
  }
}
