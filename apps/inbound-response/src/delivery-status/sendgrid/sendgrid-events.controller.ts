import { Body, Controller, HttpCode, HttpStatus, Inject, Post, UseFilters, UseGuards } from '@nestjs/common';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { SendGridSignatureGuard } from '../../webhooks/sendgrid-signature.guard';
import { RawBody } from '../../webhooks/webhook-bodies';
import { WebhookExceptionFilter } from '../../webhooks/webhook-exception.filter';
import { RecordDeliveryReports } from '../record-delivery-reports.handler';
import { readSendGridBatch } from './sendgrid-event-batch';

/** SendGrid posts up to about 1000 events at a time; a few kilobytes each at most. */
const BATCH_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * SendGrid's event webhook. The signature (when a verification key is configured) is
 * checked over the raw body; then every event of one POST is recorded in one transaction
 * and answered 204 at once: SendGrid retries anything else.
 */
@Controller('webhooks/sendgrid')
@UseFilters(WebhookExceptionFilter)
export class SendGridEventsController {
  constructor(
    private readonly reports: RecordDeliveryReports,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('events')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RawBody(BATCH_LIMIT_BYTES)
  @UseGuards(SendGridSignatureGuard)
  async receive(@Body() body: unknown): Promise<void> {
    const batch = readSendGridBatch(body, new Date());
    const { recorded, duplicates } = await this.reports.execute(batch.reports);
    this.logger.info({ events: batch.received, recorded, duplicates, skipped: batch.skipped }, 'SendGrid events received');
  }
}
