import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { TwilioSignatureGuard } from '../../webhooks/twilio-signature.guard';
import { WebhookExceptionFilter } from '../../webhooks/webhook-exception.filter';
import { RecordDeliveryReports } from '../record-delivery-reports.handler';
import { TwilioStatusCallbackDto, TwilioStatusCallbackQuery } from './twilio-status-callback.dto';
import { twilioStatusReport } from './twilio-status-report';

/**
 * Twilio's message status callback (`statusCallback` of each SMS sent). Signature first
 * (403, nothing applied), then the form (400), then one `DeliveryStatusChanged` per message
 * and status; always 204 once accepted, so Twilio does not retry what is already recorded.
 */
@Controller('webhooks/twilio')
@UseFilters(WebhookExceptionFilter)
export class TwilioStatusController {
  constructor(
    private readonly reports: RecordDeliveryReports,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('status')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(TwilioSignatureGuard)
  async receive(@Query() query: TwilioStatusCallbackQuery, @Body() callback: TwilioStatusCallbackDto): Promise<void> {
    const notificationId = query.notificationId ?? null;
    const log = {
      notificationId,
      messageSid: callback.MessageSid,
      messageStatus: callback.MessageStatus,
      errorCode: callback.ErrorCode ?? null,
    };
    const report = twilioStatusReport(callback, notificationId, new Date());
    if (!report) {
      this.logger.debug(log, 'Twilio status callback: nothing to report for this status');
      return;
    }
    const { recorded } = await this.reports.execute([report]);
    this.logger.info(
      { ...log, status: report.change.status, duplicate: recorded === 0 },
      recorded ? 'Twilio delivery status recorded' : 'Twilio status callback already recorded',
    );
  }
}
