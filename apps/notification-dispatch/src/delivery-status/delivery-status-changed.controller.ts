import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryStatusChangedPayload, DOMAIN_EVENT, NotificationFailedPayload } from '@appointments/contracts';
import { advanceDeliveryStatus } from '@appointments/domain';
import { DomainEventContext } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { outcomeOf } from '../delivery/notification-delivery';
import { NotificationsRepository } from '../persistence/notifications.repository';
import { deliveryReportMismatch } from './delivery-report-match';

/**
 * A provider's report (through inbound-response) moves the console row's delivery status,
 * only ever forward: a late `sent` after `delivered` changes nothing. Matched by our
 * notification id, or by the provider's message id when the report did not carry ours; then
 * only when it concerns that notification (`deliveryReportMismatch`: the provider and channel
 * that sent it, the same provider message id).
 */
@Controller()
export class DeliveryStatusChangedController {
  constructor(
    private readonly notifications: NotificationsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(DOMAIN_EVENT.DeliveryStatusChanged)
  async onDeliveryStatusChanged(@Payload() report: DeliveryStatusChangedPayload, @Ctx() context: DomainEventContext) {
    const { manager } = context;
    const where = report.notificationId
      ? { id: report.notificationId }
      : report.providerMessageId
        ? { provider: report.provider, providerMessageId: report.providerMessageId }
        : null;
    const row = where ? await this.notifications.lockReported(manager, where) : null;
    // A staged reminder went to no provider yet: a report about it cannot be ours.
    if (!row || row.status === 'staged') {
      this.logger.warn({ report }, 'delivery report for a notification we do not know; ignored');
      return;
    }
    // A report moves only a notification of its provider and channel: an email "bounce"
    // naming an SMS's id (forged, or a mistaken custom arg) fails nothing.
    const mismatch = deliveryReportMismatch(row, report);
    if (mismatch) {
      this.logger.warn(
        {
          notificationId: row.id,
          channel: row.channel,
          provider: row.provider,
          reportedBy: report.provider,
          reportedMessageId: report.providerMessageId,
          mismatch,
        },
        'delivery report does not concern the notification it names; ignored',
      );
      return;
    }
    const next = advanceDeliveryStatus(row.status, report.status);
    if (!next) {
      this.logger.debug(
        { notificationId: row.id, current: row.status, reported: report.status },
        'delivery report does not move the status; ignored',
      );
      return;
    }
    const failed = next === 'failed' || next === 'undelivered' || next === 'bounced';
    const reason =
      [report.reason, report.errorCode ? `code ${report.errorCode}` : null].filter(Boolean).join('; ') ||
      `reported ${report.providerStatus}`;
    await this.notifications.recordReportedStatus(manager, row.id, {
      status: next,
      providerStatus: report.providerStatus,
      statusChangedAt: new Date(report.occurredAt),
      ...(row.providerMessageId ? {} : { providerMessageId: report.providerMessageId }),
      ...(failed ? { error: reason } : {}),
      // A report settles an interrupted call too: the provider evidently took the message.
      ...(row.status === 'pending' ? { settledSentAt: row.sentAt ?? new Date(report.occurredAt) } : {}),
    });
    if (failed) {
      // The event's chatter tells staff that the customer did not get it.
      const payload: NotificationFailedPayload = {
        ...outcomeOf(row),
        status: next,
        reason: `${report.provider} reported ${report.providerStatus}: ${reason}`,
      };
      await context.publish([{ type: DOMAIN_EVENT.NotificationFailed, eventId: row.eventId, payload }]);
    }
    this.logger.info({ notificationId: row.id, from: row.status, to: next, provider: report.provider }, 'delivery status changed');
  }
}
