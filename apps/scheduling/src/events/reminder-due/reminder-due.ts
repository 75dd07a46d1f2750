import type { ReminderDuePayload } from '@appointments/contracts';
import { toErrorShape } from '@appointments/messaging';
import type { SendOutcome, SendRequest } from '../send-notification/send-notification.handler';
import { StartMoved } from '../send-notification/start-moved';

/**
 * A due reminder as a send: the trigger's reminder config, sent only while the event's start
 * is still the one the reminder was computed from, with the dedupe key for dispatch.
 */
export function reminderSend(due: ReminderDuePayload, correlationId?: string): SendRequest {
  return {
    eventId: due.eventId,
    type: 'reminder',
    configKey: due.configKey,
    startVersion: due.startVersion,
    dedupeKey: due.dedupeKey,
    reminder: { reminderId: due.reminderId, offsetMinutes: due.offsetMinutes, late: Boolean(due.late) },
    correlationId,
  };
}

/** What became of a due reminder, as the log tells it. Never an error for the consumer. */
export interface ReminderVerdict {
  outcome: 'sent' | 'stale' | 'refused';
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * Sent; stale (the start moved: the job was computed for an older start, and the
 * reminder for the new start is scheduled apart); or refused by the rules: the state
 * machine (a draft or cancelled event gets no reminder) or a missing event are expected
 * ends (info); anything else (the config gone from the template, no channel left, an
 * unverified sender) means staff have something to fix (warn).
 */
export function reminderVerdict(due: ReminderDuePayload, outcome: SendOutcome): ReminderVerdict {
  const fields = { reminderId: due.reminderId, eventId: due.eventId, configKey: due.configKey, dedupeKey: due.dedupeKey, late: Boolean(due.late) };
  if ('result' in outcome) {
    return {
      outcome: 'sent',
      level: 'info',
      message: due.late ? 'reminder sent late (the system was down at its due time)' : 'reminder sent',
      fields: { ...fields, requestId: outcome.result.requestId, channels: outcome.result.channels.map((c) => c.channel) },
    };
  }
  const error = toErrorShape(outcome.refusal);
  if (outcome.refusal instanceof StartMoved) {
    return {
      outcome: 'stale',
      level: 'info',
      message: 'reminder is stale: the event start moved since it was scheduled; not sent',
      fields: { ...fields, startVersion: due.startVersion, currentStartVersion: error.details?.currentStartVersion },
    };
  }
  const expected = error.code === 'transition_refused' || error.code === 'not_found';
  return {
    outcome: 'refused',
    level: expected ? 'info' : 'warn',
    message: `reminder not sent: ${error.message}`,
    fields: { ...fields, code: error.code, reason: error.message },
  };
}
