import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, NotificationFailedPayload, NotificationSentPayload } from '@appointments/contracts';
import { DomainEventBatchContext, HANDLES_BATCHES } from '@appointments/messaging';
import { CHANNEL_LABEL, NOTIFICATION_TYPE_LABEL } from '../../chatter/chatter-log';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventsRepository } from '../../persistence/events.repository';

const FAILURE_WORDS: Record<NotificationFailedPayload['status'], string> = {
  failed: 'failed',
  skipped: 'was skipped',
  undelivered: 'was not delivered',
  bounced: 'bounced',
};

/**
 * What happened to notifications, told back by notification-dispatch, goes into their
 * events' chatter: a batch of outcomes is one lookup and one insert. An outcome for an
 * event that no longer exists is dropped.
 *
 * A reminder's delivery adds no line: its line ("Reminder sent to …, 1 day before the start")
 * is written when it is let go, just before the provider call (`ReminderAcceptance`), and a
 * reminder is sent many times over an event's life, so one line per reminder keeps the chatter
 * readable (and spares a write per reminder at its due time, when 100,000 may be due at once).
 * A failed reminder still gets its failure line; the provider's message id is in the console.
 */
@Controller()
export class NotificationOutcomeController {
  constructor(
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
  ) {}

  @EventPattern(DOMAIN_EVENT.NotificationSent, HANDLES_BATCHES)
  async onSent(@Payload() sent: NotificationSentPayload[], @Ctx() context: DomainEventBatchContext) {
    const told = sent.filter((outcome) => !outcome.reminder);
    if (told.length === 0) return;
    const known = await this.events.existingIds(
      context.manager,
      told.map((outcome) => outcome.eventId),
    );
    await this.chatter.addMany(
      context.manager,
      told
        .filter((outcome) => known.has(outcome.eventId))
        .map((outcome) => ({
          eventId: outcome.eventId,
          kind: 'notification_sent' as const,
          body: `${NOTIFICATION_TYPE_LABEL[outcome.type] ?? outcome.type} sent by ${CHANNEL_LABEL[outcome.channel]} to ${outcome.recipientName} (${outcome.to})`,
          channel: outcome.channel,
          data: {
            notificationId: outcome.notificationId,
            provider: outcome.provider,
            providerMessageId: outcome.providerMessageId,
            sentAt: outcome.sentAt,
          },
          sourceId: `sent:${outcome.notificationId}`,
        })),
    );
  }

  @EventPattern(DOMAIN_EVENT.NotificationFailed, HANDLES_BATCHES)
  async onFailed(@Payload() failed: NotificationFailedPayload[], @Ctx() context: DomainEventBatchContext) {
    const known = await this.events.existingIds(
      context.manager,
      failed.map((outcome) => outcome.eventId),
    );
    await this.chatter.addMany(
      context.manager,
      failed
        .filter((outcome) => known.has(outcome.eventId))
        .map((outcome) => ({
          eventId: outcome.eventId,
          kind: 'notification_failed' as const,
          body: `${NOTIFICATION_TYPE_LABEL[outcome.type] ?? outcome.type} by ${CHANNEL_LABEL[outcome.channel]} to ${outcome.recipientName} (${outcome.to}) ${FAILURE_WORDS[outcome.status]}: ${outcome.reason}`,
          channel: outcome.channel,
          data: { notificationId: outcome.notificationId, status: outcome.status, reason: outcome.reason },
          sourceId: `failed:${outcome.notificationId}`,
        })),
    );
  }
}
