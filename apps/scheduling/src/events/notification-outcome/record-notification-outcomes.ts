import { Injectable } from '@nestjs/common';
import { NotificationFailedPayload, NotificationSentPayload } from '@appointments/contracts';
import { EntityManager } from 'typeorm';
import { CHANNEL_LABEL, NewChatterEntry, NOTIFICATION_TYPE_LABEL } from '../../chatter/chatter-log';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventsRepository } from '../../persistence/events.repository';

/** What notification-dispatch told of one notification: sent, or failed (bounced, undelivered, skipped). */
export type NotificationOutcome = { sent: NotificationSentPayload } | { failed: NotificationFailedPayload };

const FAILURE_WORDS: Record<NotificationFailedPayload['status'], string> = {
  failed: 'failed',
  skipped: 'was skipped',
  undelivered: 'was not delivered',
  bounced: 'bounced',
};

/**
 * What happened to notifications, told back by notification-dispatch, goes into their events'
 * chatter, in the caller's transaction (the consumer's): a list of outcomes is one lookup and one
 * insert. An outcome for an event that no longer exists is dropped; one told twice is written once
 * (`sent:<notificationId>`, `failed:<notificationId>`).
 *
 * A reminder's delivery adds no line: its line ("Reminder sent to …, 1 day before the start")
 * is written when it is let go, just before the provider call (`AcceptReminders`), and a
 * reminder is sent many times over an event's life, so one line per reminder keeps the chatter
 * readable (and spares a write per reminder at its due time, when 100,000 may be due at once).
 * A failed reminder still gets its failure line; the provider's message id is in the console.
 */
@Injectable()
export class RecordNotificationOutcomes {
  constructor(
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
  ) {}

  async execute(outcomes: NotificationOutcome[], manager: EntityManager): Promise<void> {
    const told = outcomes.filter((outcome) => !('sent' in outcome && outcome.sent.reminder));
    if (told.length === 0) return;
    const known = await this.events.existingIds(
      manager,
      told.map((outcome) => eventIdOf(outcome)),
    );
    await this.chatter.addMany(manager, told.filter((outcome) => known.has(eventIdOf(outcome))).map(lineOf));
  }
}

function eventIdOf(outcome: NotificationOutcome): string {
  return 'sent' in outcome ? outcome.sent.eventId : outcome.failed.eventId;
}

/** The chatter line of an outcome: "Confirmation sent by email to …", "RSVP request by SMS to … bounced: …". */
function lineOf(outcome: NotificationOutcome): NewChatterEntry {
  if ('sent' in outcome) {
    const { sent } = outcome;
    return {
      eventId: sent.eventId,
      kind: 'notification_sent',
      body: `${NOTIFICATION_TYPE_LABEL[sent.type] ?? sent.type} sent by ${CHANNEL_LABEL[sent.channel]} to ${sent.recipientName} (${sent.to})`,
      channel: sent.channel,
      data: {
        notificationId: sent.notificationId,
        provider: sent.provider,
        providerMessageId: sent.providerMessageId,
        sentAt: sent.sentAt,
      },
      sourceId: `sent:${sent.notificationId}`,
    };
  }
  const { failed } = outcome;
  return {
    eventId: failed.eventId,
    kind: 'notification_failed',
    body: `${NOTIFICATION_TYPE_LABEL[failed.type] ?? failed.type} by ${CHANNEL_LABEL[failed.channel]} to ${failed.recipientName} (${failed.to}) ${FAILURE_WORDS[failed.status]}: ${failed.reason}`,
    channel: failed.channel,
    data: { notificationId: failed.notificationId, status: failed.status, reason: failed.reason },
    sourceId: `failed:${failed.notificationId}`,
  };
}
