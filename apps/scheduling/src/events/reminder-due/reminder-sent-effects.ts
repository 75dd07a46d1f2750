import { Inject, Injectable } from '@nestjs/common';
import { DOMAIN_EVENT, NotificationSentPayload, ReminderSendRef } from '@appointments/contracts';
import { decideTransition } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { ChatterLog, NewChatterEntry } from '../../chatter/chatter-log';
import { writeEventStatusRows } from '../event-status-rows';
import { EventLoader, LoadedEvent } from '../event-loader';
import { applyPlan, eventStatusPayload } from '../notification-plan';
import { REMINDER_SCHEDULER } from '../send-notification/send-notification.handler';
import { triggerForNotification } from '../send-notification/notification-trigger';
import { sentChatterBody } from '../send-notification/send-chatter';

/** A sent reminder's first outcome: the request it belongs to. */
export interface SentReminderRequest {
  requestId: string;
  eventId: string;
  reminder: ReminderSendRef;
  correlationId?: string;
}

/**
 * What a reminder does to its event once it has gone out (staged reminders: the send is no longer
 * in the transaction that changes the event). Once per request, whatever the number of its
 * channels or redeliveries (the chatter entry `reminder:<requestId>` is the mark): the chatter line
 * ("Reminder sent to Jane Doe by email (…), 1 day before the start"), and the state machine's
 * "reminder sent" (a config with accept/decline buttons moves a booked event to `invited`), with
 * its status-changed chatter and `ReminderSent`. Should the state machine refuse by now (the
 * event was cancelled in the moment between the release and the send), the line is written
 * and nothing else changes. The events are locked in id order, as every writer of events does.
 */
@Injectable()
export class ReminderSentEffects {
  constructor(
    private readonly loader: EventLoader,
    private readonly chatter: ChatterLog,
    private readonly outbox: DomainEventOutbox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(manager: EntityManager, sent: readonly SentReminderRequest[]): Promise<void> {
    const firsts = [...new Map(sent.map((item) => [item.requestId, item])).values()];
    if (firsts.length === 0) return;
    const loaded = await this.loader.loadMany(manager, firsts.map((item) => item.eventId), { forUpdate: true });
    const applied = await alreadyApplied(manager, firsts.map((item) => item.requestId));
    const chatter: NewChatterEntry[] = [];
    const events: NewDomainEvent[] = [];
    const changed = new Map<string, LoadedEvent>();
    for (const item of firsts) {
      const target = loaded.get(item.eventId);
      if (!target || applied.has(sourceIdOf(item.requestId))) continue;
      chatter.push(...this.effectsOf(item, target, changed, events));
    }
    for (const target of changed.values()) target.event.version += 1;
    await writeEventStatusRows(manager, [...changed.values()].map((target) => target.event));
    await this.chatter.addMany(manager, chatter);
    await this.outbox.add(manager, events);
  }

  private effectsOf(item: SentReminderRequest, target: LoadedEvent, changed: Map<string, LoadedEvent>, events: NewDomainEvent[]): NewChatterEntry[] {
    const { reminder } = item;
    const { event, customer, template } = target;
    const author = { name: REMINDER_SCHEDULER.name };
    const line: NewChatterEntry = {
      eventId: event.id,
      kind: 'notification_requested',
      body: sentChatterBody({ actor: REMINDER_SCHEDULER, type: 'reminder', customerName: customer.name, channels: reminder.channels, skipped: reminder.skipped, reminder }),
      author,
      data: { requestId: item.requestId, type: 'reminder', configKey: reminder.configKey, reminder },
      sourceId: sourceIdOf(item.requestId),
    };
    const config = template.notificationConfigs.find((candidate) => candidate.key === reminder.configKey);
    const decision = decideTransition(event, triggerForNotification('reminder', config ?? { buttons: undefined }));
    if (!decision.allowed) {
      this.logger.info({ eventId: event.id, requestId: item.requestId, reason: decision.refusal.message }, 'reminder sent, but its status effect is refused by now; chatter only');
      return [line];
    }
    const { previousBookingStatus } = applyPlan(target, { type: 'reminder', next: decision.next });
    events.push({ type: DOMAIN_EVENT.ReminderSent, eventId: event.id, payload: eventStatusPayload(target, previousBookingStatus), correlationId: item.correlationId });
    if (previousBookingStatus === event.bookingStatus) return [line];
    changed.set(event.id, target);
    return [
      line,
      {
        eventId: event.id,
        kind: 'status_changed',
        body: `Status changed from ${previousBookingStatus} to ${event.bookingStatus}`,
        author,
        data: { from: previousBookingStatus, to: event.bookingStatus, title: event.title },
      },
    ];
  }
}

/** The reminders among sent notifications: one per request, the first of its channels to be reported. */
export function sentReminders(sent: readonly NotificationSentPayload[], correlationIds: readonly (string | undefined)[]): SentReminderRequest[] {
  return sent.flatMap((outcome, index) =>
    outcome.type === 'reminder' && outcome.reminder
      ? [{ requestId: outcome.requestId, eventId: outcome.eventId, reminder: outcome.reminder, correlationId: correlationIds[index] }]
      : [],
  );
}

function sourceIdOf(requestId: string): string {
  return `reminder:${requestId}`;
}

async function alreadyApplied(manager: EntityManager, requestIds: string[]): Promise<Set<string>> {
  const rows: { source_id: string }[] = await manager.query('SELECT source_id FROM scheduling.chatter_entries WHERE source_id = ANY($1::text[])', [
    requestIds.map(sourceIdOf),
  ]);
  return new Set(rows.map((row) => row.source_id));
}
