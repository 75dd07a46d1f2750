import type { NotificationRequestedPayload, ReminderDuePayload, ReminderSendRef, StagedReminderDto } from '@appointments/contracts';
import { randomUUID } from 'node:crypto';
import { EventEntity } from '../../persistence/event.entity';
import { LoadedEvent } from '../event-loader';
import { applyPlan, NotificationPlan, notificationRequest } from '../notification-plan';
import { REMINDER_SCHEDULER } from '../send-notification/send-notification';
import type { AcceptedReminder } from './accept-reminders';

/**
 * A reminder's request, shared by its staging (`StageReminders`) and its preparation again at the
 * release check (`CheckReminderReleases`), built without I/O.
 */

/** A reminder to prepare: which one, for which start, due when, and the message that asked for it. */
export type ReminderToStage = Omit<ReminderDuePayload, 'firedAt'> & { correlationId?: string };

/**
 * The request of a planned reminder, rendered for the event as the reminder will leave it,
 * computed on a copy: nothing of the event changes now. Sent at the due time when that is ahead
 * (`sendAt`), else at once.
 */
export function reminderRequest(
  plan: NotificationPlan,
  loaded: LoadedEvent,
  reminder: ReminderToStage,
  now: Date,
): NotificationRequestedPayload {
  const eventVersion = loaded.event.version;
  const after: LoadedEvent = { ...loaded, event: Object.assign(new EventEntity(), loaded.event) };
  applyPlan(after, plan);
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
    requestId: randomUUID(),
    plan,
    loaded: after,
    requestedBy: { name: REMINDER_SCHEDULER.name, email: null },
    notifications: plan.selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel })),
    dedupeKey: reminder.dedupeKey,
  });
  const sendAt = staysStaged(reminder, now) ? { sendAt: reminder.dueAt } : {};
  return { ...requested, ...sendAt, reminder: ref };
}

/** Whether a reminder prepared now is held until its due time (else it is sent at once). */
export function staysStaged(reminder: Pick<ReminderToStage, 'dueAt'>, now: Date): boolean {
  return Date.parse(reminder.dueAt) > now.getTime();
}

/** A prepared reminder as it is let go. */
export function letGo(requested: NotificationRequestedPayload, correlationId?: string): AcceptedReminder {
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
export function stagedToStage(staged: StagedReminderDto): ReminderToStage {
  const { reminderId, configKey, offsetMinutes, startVersion, dueAt, late } = staged.reminder;
  return { reminderId, eventId: staged.eventId, configKey, offsetMinutes, startVersion, dueAt, late, dedupeKey: staged.dedupeKey };
}
