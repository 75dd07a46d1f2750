import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DOMAIN_EVENT,
  NotificationRequestedPayload,
  ReminderDuePayload,
  ReminderMissedPayload,
  ReminderReleaseCheck,
  ReminderReleaseVerdict,
  ReminderSendRef,
  StagedReminderDto,
} from '@appointments/contracts';
import { decideReminderRelease, NotFound, ReleaseTimeFacts } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent, toErrorShape } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { EventEntity } from '../../persistence/event.entity';
import { EventLoader, LoadedEvent } from '../event-loader';
import { applyPlan, NotificationPlanner, notificationRequest, PlanningFacts } from '../notification-plan';
import { REMINDER_SCHEDULER } from '../send-notification/send-notification.handler';
import { AcceptedReminder, ReminderAcceptance } from './reminder-acceptance';
import { StartMoved } from '../send-notification/start-moved';

/** A reminder to prepare: which one, for which start, due when, and the message that asked for it. */
export type ReminderToStage = Omit<ReminderDuePayload, 'firedAt'> & { correlationId?: string };

/** A prepared reminder (its request id and channels), or why it was not prepared. */
export type StagingOutcome =
  | { eventId: string; result: { requestId: string; channels: { channel: string }[]; sendAt: string | null } }
  | { eventId: string; refusal: unknown };

/**
 * Staged reminders, scheduling's part (see docs/decisions.md, "Staged reminders").
 *
 * *Staging* (`ReminderDue`, fired by reminder-scheduler `REMINDER_STAGE_AHEAD_SECONDS` before the
 * due time): the reminder is planned as a send would be (start version, state machine, config,
 * channels with the stop list, sender) but nothing is applied: no status change, no chatter. The
 * event as the send would leave it is rendered into `NotificationRequested` with `sendAt` (the
 * due time) and `reminder` (what was staged: the event's version, the time, the channels);
 * notification-dispatch renders and holds it.
 *
 * *Release check* (`SCHEDULING_REQUEST.checkReminderReleases`, asked by notification-dispatch at
 * the due time): each staged reminder is decided by `decideReminderRelease` against the event as
 * it is now. One whose message may have changed is prepared again here and sent at once
 * (`restaged`): its new request carries the same dedupe key, which the staged copy frees when
 * notification-dispatch withdraws it.
 *
 * A reminder's effects on its event (status, chatter, `ReminderSent`) are applied when it is let
 * go: at the release check for those it lets go, or at staging for one that goes at once
 * (`ReminderAcceptance`).
 */
@Injectable()
export class ReminderStaging {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly planner: NotificationPlanner,
    private readonly outbox: DomainEventOutbox,
    private readonly acceptance: ReminderAcceptance,
  ) {}

  /** Prepares due reminders in `manager`'s transaction (a consumer's batch): one outcome each, in order. */
  async stage(manager: EntityManager, reminders: ReminderToStage[], now = new Date()): Promise<StagingOutcome[]> {
    // Locked only when a reminder goes at once (its due time has come): it is let go here, which writes the event.
    const atOnceDue = reminders.some((reminder) => !staysStaged(reminder, now));
    const loaded = await this.loader.loadMany(
      manager,
      reminders.map((reminder) => reminder.eventId),
      { forUpdate: atOnceDue },
    );
    const facts = await this.planner.facts(manager, [...loaded.values()]);
    const events: NewDomainEvent[] = [];
    const atOnce: AcceptedReminder[] = [];
    const outcomes = reminders.map((reminder): StagingOutcome => {
      try {
        const item = loaded.get(reminder.eventId);
        if (!item) throw new NotFound('event', reminder.eventId);
        if (item.event.startVersion !== reminder.startVersion) throw new StartMoved(reminder.startVersion, item.event.startVersion);
        const requested = this.prepare(item, facts, reminder, now);
        events.push({
          type: DOMAIN_EVENT.NotificationRequested,
          eventId: reminder.eventId,
          payload: requested,
          correlationId: reminder.correlationId,
        });
        if (!requested.sendAt) atOnce.push(accepted(requested, reminder.correlationId));
        return {
          eventId: reminder.eventId,
          result: { requestId: requested.requestId, channels: requested.notifications, sendAt: requested.sendAt ?? null },
        };
      } catch (error) {
        if (toErrorShape(error).code === 'internal') throw error;
        return { eventId: reminder.eventId, refusal: error };
      }
    });
    await this.outbox.add(manager, events);
    await this.acceptance.apply(manager, atOnce, loaded);
    return outcomes;
  }

  /**
   * The release check of staged reminders, in the order asked. Each is decided against the event
   * as it is; then those let go (sent, or prepared again and sent at once) have their effects
   * applied, in the same transaction, before notification-dispatch sends them.
   */
  checkReleases(check: ReminderReleaseCheck, now = new Date()): Promise<ReminderReleaseVerdict[]> {
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.loader.loadMany(
        manager,
        check.reminders.map((staged) => staged.eventId),
        { forUpdate: true },
      );
      const facts = await this.planner.facts(manager, [...loaded.values()]);
      const restaged: NewDomainEvent[] = [];
      const letGo: AcceptedReminder[] = [];
      const missed: NewDomainEvent[] = [];
      const verdicts = check.reminders.map((staged): ReminderReleaseVerdict => {
        const item = loaded.get(staged.eventId) ?? null;
        const decision = decideReminderRelease(
          {
            startVersion: staged.reminder.startVersion,
            eventVersion: staged.reminder.eventVersion,
            stagedAt: new Date(staged.reminder.stagedAt),
            channels: staged.reminder.channels,
          },
          item && this.releaseTimeFacts(item, facts, staged.reminder.configKey),
          now,
        );
        if (decision.outcome === 'send') {
          letGo.push({ requestId: staged.requestId, eventId: staged.eventId, dedupeKey: staged.dedupeKey, reminder: staged.reminder });
          return { requestId: staged.requestId, verdict: 'send' };
        }
        if (decision.outcome === 'missed')
          missed.push({ type: DOMAIN_EVENT.ReminderMissed, eventId: staged.eventId, payload: missedReminder(staged, decision.reason) });
        if (decision.outcome !== 'restage') return { requestId: staged.requestId, verdict: decision.outcome, reason: decision.reason };
        const requested = this.prepare(item!, facts, toStage(staged), now);
        restaged.push({ type: DOMAIN_EVENT.NotificationRequested, eventId: staged.eventId, payload: requested });
        letGo.push(accepted(requested));
        return { requestId: staged.requestId, verdict: 'restaged', reason: decision.reason };
      });
      await this.outbox.add(manager, [...restaged, ...missed]);
      // After every decision: the effects change the loaded events the decisions read.
      await this.acceptance.apply(manager, letGo, loaded);
      return verdicts;
    });
  }

  /** The event as it is now, and what a reminder planned now would do (`decideReminderRelease`'s facts). */
  private releaseTimeFacts(loaded: LoadedEvent, facts: PlanningFacts, configKey: string): ReleaseTimeFacts {
    const { event, customer, template } = loaded;
    let plan: ReleaseTimeFacts['plan'];
    try {
      const planned = this.planner.plan(facts, loaded, 'reminder', configKey);
      plan = { allowed: true, channels: planned.selection.channels };
    } catch (error) {
      if (toErrorShape(error).code === 'internal') throw error;
      plan = { allowed: false, reason: toErrorShape(error).message };
    }
    return {
      startVersion: event.startVersion,
      version: event.version,
      start: event.start,
      // Customers are not edited today (no route changes one): their creation is their last write.
      customerUpdatedAt: customer.updatedAt,
      templateUpdatedAt: template.updatedAt,
      plan,
    };
  }

  /**
   * Plans one reminder (a refusal is thrown) and renders the request for the event as the
   * reminder will leave it, computed on a copy: nothing of the event changes now. Sent at the due
   * time when that is ahead, else at once.
   */
  private prepare(loaded: LoadedEvent, facts: PlanningFacts, reminder: ReminderToStage, now: Date): NotificationRequestedPayload {
    const plan = this.planner.plan(facts, loaded, 'reminder', reminder.configKey);
    const eventVersion = loaded.event.version;
    const after: LoadedEvent = { ...loaded, event: Object.assign(new EventEntity(), loaded.event) };
    applyPlan(after, plan);
    const requestId = randomUUID();
    const ref: ReminderSendRef = {
      reminderId: reminder.reminderId,
      configKey: plan.config.key,
      offsetMinutes: reminder.offsetMinutes,
      startVersion: reminder.startVersion,
      dueAt: reminder.dueAt,
      late: reminder.late,
      eventVersion,
      stagedAt: now.toISOString(),
      channels: plan.selection.channels.map(({ channel, address }) => ({ channel, address })),
      skipped: plan.selection.skipped,
    };
    const requested = notificationRequest({
      requestId,
      plan,
      loaded: after,
      requestedBy: { name: REMINDER_SCHEDULER.name, email: null },
      notifications: plan.selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel })),
      dedupeKey: reminder.dedupeKey,
    });
    const sendAt = staysStaged(reminder, now) ? { sendAt: reminder.dueAt } : {};
    return { ...requested, ...sendAt, reminder: ref };
  }
}

/** A staged reminder whose event started before its release, as reminder-scheduler is told. */
function missedReminder(staged: StagedReminderDto, reason: string): ReminderMissedPayload {
  const { reminderId, startVersion, dueAt } = staged.reminder;
  return { reminderId, eventId: staged.eventId, startVersion, dueAt, reason };
}

/** Whether a reminder prepared now is held until its due time (else it is sent at once). */
function staysStaged(reminder: Pick<ReminderToStage, 'dueAt'>, now: Date): boolean {
  return Date.parse(reminder.dueAt) > now.getTime();
}

/** A prepared reminder as it is let go. */
function accepted(requested: NotificationRequestedPayload, correlationId?: string): AcceptedReminder {
  return {
    requestId: requested.requestId,
    eventId: requested.event.id,
    dedupeKey: requested.dedupeKey!,
    reminder: requested.reminder!,
    correlationId,
  };
}

/** A due reminder as a reminder to stage. */
export function reminderToStage(due: ReminderDuePayload, correlationId?: string): ReminderToStage {
  const { reminderId, eventId, configKey, offsetMinutes, startVersion, dueAt, dedupeKey } = due;
  return { reminderId, eventId, configKey, offsetMinutes, startVersion, dueAt, late: Boolean(due.late), dedupeKey, correlationId };
}

/** A staged reminder prepared again at its release: the same reminder and dedupe key. */
function toStage(staged: StagedReminderDto): ReminderToStage {
  const { reminderId, configKey, offsetMinutes, startVersion, dueAt, late } = staged.reminder;
  return { reminderId, eventId: staged.eventId, configKey, offsetMinutes, startVersion, dueAt, late, dedupeKey: staged.dedupeKey };
}
