import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  BatchSendOutcome,
  DOMAIN_EVENT,
  EventStatusChangedPayload,
  SendNotificationCommand,
  SendNotificationResult,
  SendNotificationsCommand,
} from '@appointments/contracts';
import { NotFound, TransitionRefused } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent, toErrorShape } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CHANNEL_LABEL, ChatterLog, NewChatterEntry, NOTIFICATION_TYPE_LABEL } from '../../chatter/chatter-log';
import { eventView } from '../../persistence/views';
import { EventLoader, LoadedEvent } from '../event-loader';
import { applyPlan, NotificationPlanner, notificationRequest, PlanningFacts } from '../notification-plan';
import { CancellationConfirmation } from './cancellation-confirmation';
import { STATUS_EVENT_OF } from './notification-trigger';

type SendCommand = SendNotificationsCommand['sends'][number];

/**
 * Explicit sends, one or a batch, in one transaction with the event rows locked. For each
 * send, in order: the plan (state machine, config, channels, sender), the cancellation's
 * confirm step, then its effect on the event in memory, chatter, and `NotificationRequested`
 * plus the status event (`EventBooked`, `RsvpRequested`...) for the outbox. A refused send
 * changes nothing and does not stop the others. The effects are then written with one
 * statement each for the events, the chatter and the outbox, so a batch costs a handful of
 * round trips instead of a dozen per send. notification-dispatch renders and delivers; its
 * outcome comes back as `NotificationSent`/`NotificationFailed` for chatter.
 */
@Injectable()
export class SendNotificationHandler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly planner: NotificationPlanner,
    private readonly cancellation: CancellationConfirmation,
    private readonly chatter: ChatterLog,
    private readonly outbox: DomainEventOutbox,
  ) {}

  /** One send: its result, or its refusal thrown. */
  async execute(command: SendNotificationCommand): Promise<SendNotificationResult> {
    const [outcome] = await this.executeMany({ actor: command.actor, sends: [{ eventId: command.eventId, ...command.notification }] });
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.result;
  }

  /** A batch: one outcome per send, in order. */
  async executeBatch(command: SendNotificationsCommand): Promise<BatchSendOutcome[]> {
    const outcomes = await this.executeMany(command);
    return outcomes.map((outcome) =>
      'refusal' in outcome ? { eventId: outcome.eventId, ok: false, error: toErrorShape(outcome.refusal) } : { eventId: outcome.eventId, ok: true, ...outcome.result },
    );
  }

  /**
   * Decides every send in order and writes their effects. A refusal (a domain error) is kept
   * for its send; any other error fails the whole transaction, which can then be retried.
   */
  private executeMany(command: SendNotificationsCommand): Promise<SendOutcome[]> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.loader.loadMany(manager, command.sends.map((send) => send.eventId), { forUpdate: true });
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
      await this.write(manager, loaded, effects);
      // Each result shows its event as that send left it, stamped with the time of the write.
      for (const outcome of outcomes) {
        if ('result' in outcome) outcome.result.event.updatedAt = loaded.get(outcome.eventId)!.event.updatedAt.toISOString();
      }
      return outcomes;
    });
  }

  /** Plans one send and applies it to the loaded event in memory; its chatter and events join `effects`. */
  private decide(
    actor: SendNotificationsCommand['actor'],
    send: SendCommand,
    loaded: LoadedEvent,
    facts: PlanningFacts,
    effects: Effects,
  ): SendNotificationResult {
    const { type, configKey, confirmationToken } = send;
    const { event, customer } = loaded;
    const plan = this.planner.plan(facts, loaded, type, configKey);
    if (type === 'cancellation') {
      const problem = this.cancellation.problemWith(confirmationToken, event);
      if (problem) {
        throw new TransitionRefused(problem, { bookingStatus: event.bookingStatus, notificationState: event.notificationState, trigger: 'cancellation_sent' });
      }
    }

    const { previousBookingStatus } = applyPlan(loaded, plan);
    event.version += 1;
    effects.changed.add(event.id);

    const requestId = randomUUID();
    const notifications = plan.selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel }));
    const author = { id: actor.id, name: actor.name };
    const skipped = plan.selection.skipped;
    const channels = notifications.map((n) => `${CHANNEL_LABEL[n.channel]} (${n.address})`).join(' and ');
    effects.chatter.push({
      eventId: event.id,
      kind: 'notification_requested',
      body:
        `${actor.name} sent the ${NOTIFICATION_TYPE_LABEL[type].toLowerCase()} to ${customer.name} by ${channels}` +
        (skipped.length ? `; skipped: ${skipped.map((s) => s.message).join('; ')}` : ''),
      author,
      data: { requestId, type, configKey: plan.config.key, notificationIds: notifications.map((n) => n.notificationId), skipped },
    });
    if (previousBookingStatus !== event.bookingStatus) {
      effects.chatter.push({
        eventId: event.id,
        kind: 'status_changed',
        body: `Status changed from ${previousBookingStatus} to ${event.bookingStatus}`,
        author,
        data: { from: previousBookingStatus, to: event.bookingStatus, title: event.title },
      });
    }

    const requested = notificationRequest({
      requestId,
      plan,
      loaded,
      requestedBy: { id: actor.id, name: actor.name, email: actor.email ?? null },
      notifications,
    });
    const status: EventStatusChangedPayload = {
      eventId: event.id,
      bookingStatus: event.bookingStatus,
      attendeeStatus: event.attendeeStatus,
      notificationState: event.notificationState,
      previousBookingStatus,
      title: event.title,
      start: event.start.toISOString(),
      end: event.end.toISOString(),
      timeZone: event.timeZone,
      templateId: event.templateId,
      startVersion: event.startVersion,
    };
    effects.events.push(
      { type: STATUS_EVENT_OF[type], eventId: event.id, payload: status },
      { type: DOMAIN_EVENT.NotificationRequested, eventId: event.id, payload: requested },
    );
    return {
      requestId,
      notificationIds: notifications.map((n) => n.notificationId),
      channels: notifications.map((n) => ({ channel: n.channel, address: n.address, notificationId: n.notificationId })),
      skipped,
      event: eventView(event, loaded.template.customerTitle),
    };
  }

  /** The batch's effects: the changed events in one UPDATE, the chatter in one INSERT, the outbox in one. */
  private async write(manager: EntityManager, loaded: Map<string, LoadedEvent>, effects: Effects): Promise<void> {
    if (effects.changed.size === 0) return;
    const events = [...effects.changed].map((id) => loaded.get(id)!.event);
    // TypeORM answers an UPDATE with [rows, count].
    const [updated]: [{ id: string; updated_at: Date }[], number] = await manager.query(
      `UPDATE scheduling.events e
          SET booking_status = v.booking_status, attendee_status = v.attendee_status, notification_state = v.notification_state,
              changed_fields = v.changed_fields, calendar_sequence = v.calendar_sequence, title = v.title, version = v.version, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::text[], $8::int[])
              AS v(id, booking_status, attendee_status, notification_state, changed_fields, calendar_sequence, title, version)
        WHERE e.id = v.id
    RETURNING e.id, e.updated_at`,
      [
        events.map((event) => event.id),
        events.map((event) => event.bookingStatus),
        events.map((event) => event.attendeeStatus),
        events.map((event) => event.notificationState),
        events.map((event) => JSON.stringify(event.changedFields)),
        events.map((event) => event.calendarSequence),
        events.map((event) => event.title),
        events.map((event) => event.version),
      ],
    );
    for (const row of updated) loaded.get(row.id)!.event.updatedAt = row.updated_at;
    await this.chatter.addMany(manager, effects.chatter);
    await this.outbox.add(manager, effects.events);
  }
}

type SendOutcome = { eventId: string; result: SendNotificationResult } | { eventId: string; refusal: unknown };

interface Effects {
  chatter: NewChatterEntry[];
  events: NewDomainEvent[];
  /** Ids of the events a send changed. */
  changed: Set<string>;
}
