import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT, SendNotificationResult, SendNotificationsCommand } from '@appointments/contracts';
import { NotFound, TransitionRefused } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent, toErrorShape } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NewChatterEntry, statusChangedEntries } from '../../chatter/chatter-log';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventsRepository } from '../../persistence/events.repository';
import { eventView } from '../../persistence/views';
import { EventLoader, LoadedEvent } from '../event-loader';
import { applyPlan, eventStatusPayload, NotificationPlanner, notificationRequest, PlanningFacts } from '../notification-plan';
import { CancellationConfirmation } from './cancellation-confirmation';
import { STATUS_EVENT_OF } from './notification-trigger';
import { sentChatterBody } from './send-chatter';

/**
 * Who asks for a send: a staff member (with an id), or the system, such as the reminder
 * scheduler, which has only a name. The chatter shows it as the author.
 */
export interface SendActor {
  id?: string;
  name: string;
  email?: string | null;
}

/** The system author of reminders (the chatter of a sent reminder). */
export const REMINDER_SCHEDULER: SendActor = { name: 'Reminder scheduler' };

/** One send as the use case takes it: what staff ask for, plus what a reminder adds. */
export interface SendRequest {
  eventId: string;
  type: SendNotificationsCommand['sends'][number]['type'];
  configKey?: string;
  confirmationToken?: string;
  /** The correlation id of the message that asked for it (a batch of messages), for the events it causes. */
  correlationId?: string;
}

export type SendOutcome = { eventId: string; result: SendNotificationResult } | { eventId: string; refusal: unknown };

/**
 * Explicit sends, one or a batch, in one transaction with the event rows locked; a single send
 * is a list of one. For each send, in order: the plan (state machine, config, channels, sender),
 * the cancellation's confirm step, then its effect on the event in memory, chatter, and
 * `NotificationRequested` plus the status event (`EventBooked`, `RsvpRequested`...) for the
 * outbox. A refused send changes nothing and does not stop the others. The effects are then
 * written with one statement each for the events, the chatter and the outbox, so a batch costs a
 * handful of round trips instead of a dozen per send. notification-dispatch renders and delivers;
 * its outcome comes back as `NotificationSent`/`NotificationFailed` for chatter.
 */
@Injectable()
export class SendNotification {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly planner: NotificationPlanner,
    private readonly cancellation: CancellationConfirmation,
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
    private readonly outbox: DomainEventOutbox,
  ) {}

  /**
   * One outcome per send, in order: its result, or its refusal (a domain error). Any other error
   * fails the whole transaction, which can then be retried.
   */
  execute(command: { actor: SendActor; sends: SendRequest[] }): Promise<SendOutcome[]> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.loader.loadMany(
        manager,
        command.sends.map((send) => send.eventId),
        { forUpdate: true },
      );
      const facts = await this.planner.facts(manager, [...loaded.values()]);
      const effects: Effects = { chatter: [], events: [], changed: new Set() };
      const outcomes: SendOutcome[] = [];
      for (const send of command.sends) {
        try {
          const item = loaded.get(send.eventId);
          if (!item) throw new NotFound('event', send.eventId);
          outcomes.push({ eventId: send.eventId, result: this.decide(command.actor, send, item, facts, effects) });
        } catch (error) {
          if (toErrorShape(error).code === 'internal') throw error;
          outcomes.push({ eventId: send.eventId, refusal: error });
        }
      }
      // The batch's effects: the changed events in one UPDATE, the chatter in one INSERT, the outbox in one.
      if (effects.changed.size > 0) {
        await this.events.saveStatusChanges(
          manager,
          [...effects.changed].map((id) => loaded.get(id)!.event),
        );
        await this.chatter.addMany(manager, effects.chatter);
        await this.outbox.add(manager, effects.events);
      }
      // Each result shows its event as that send left it, stamped with the time of the write.
      for (const outcome of outcomes) {
        if ('result' in outcome) outcome.result.event.updatedAt = loaded.get(outcome.eventId)!.event.updatedAt.toISOString();
      }
      return outcomes;
    });
  }

  /** Plans one send and applies it to the loaded event in memory; its chatter and events join `effects`. */
  private decide(actor: SendActor, send: SendRequest, loaded: LoadedEvent, facts: PlanningFacts, effects: Effects): SendNotificationResult {
    const { type, configKey, confirmationToken } = send;
    const { event, customer } = loaded;
    const plan = this.planner.plan(facts, loaded, type, configKey);
    if (type === 'cancellation') {
      const problem = this.cancellation.problemWith(confirmationToken, event);
      if (problem) {
        throw new TransitionRefused(problem, {
          bookingStatus: event.bookingStatus,
          notificationState: event.notificationState,
          trigger: 'cancellation_sent',
        });
      }
    }

    const { previousBookingStatus } = applyPlan(loaded, plan);
    event.version += 1;
    effects.changed.add(event.id);

    const requestId = randomUUID();
    const notifications = plan.selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel }));
    const author = actor.id ? { id: actor.id, name: actor.name } : { name: actor.name };
    const skipped = plan.selection.skipped;
    effects.chatter.push({
      eventId: event.id,
      kind: 'notification_requested',
      body: sentChatterBody({ actor, type, customerName: customer.name, channels: notifications, skipped }),
      author,
      data: {
        requestId,
        type,
        configKey: plan.config.key,
        notificationIds: notifications.map((n) => n.notificationId),
        skipped,
      },
    });
    effects.chatter.push(...statusChangedEntries(event, previousBookingStatus, author));

    const requested = notificationRequest({
      requestId,
      plan,
      loaded,
      requestedBy: { ...(actor.id ? { id: actor.id } : {}), name: actor.name, email: actor.email ?? null },
      notifications,
    });
    const status = eventStatusPayload(loaded, previousBookingStatus);
    effects.events.push(
      { type: STATUS_EVENT_OF[type], eventId: event.id, payload: status, correlationId: send.correlationId },
      { type: DOMAIN_EVENT.NotificationRequested, eventId: event.id, payload: requested, correlationId: send.correlationId },
    );
    return {
      requestId,
      notificationIds: notifications.map((n) => n.notificationId),
      channels: notifications.map((n) => ({ channel: n.channel, address: n.address, notificationId: n.notificationId })),
      skipped,
      event: eventView(event, loaded.template.customerTitle),
    };
  }
}

interface Effects {
  chatter: NewChatterEntry[];
  events: NewDomainEvent[];
  /** Ids of the events a send changed. */
  changed: Set<string>;
}
