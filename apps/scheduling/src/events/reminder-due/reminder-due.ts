import type { ReminderDuePayload } from '@appointments/contracts';
import { toErrorShape } from '@appointments/messaging';
import { StartMoved } from '../send-notification/start-moved';
import type { StagingOutcome } from './stage-reminders';

/** What became of a due reminder at its staging, as the log tells it. Never an error for the consumer. */
export interface ReminderVerdict {
  outcome: 'staged' | 'stale' | 'refused';
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * Staged (prepared, to be released at its due time, or sent at once when that has passed); stale
 * (the start moved: the job was computed for an older start, and the reminder for the new start
 * is scheduled apart); or refused by the rules: the state machine (a draft or cancelled event
 * gets no reminder) or a missing event are expected ends (info); anything else (the config gone
 * from the template, no channel left, an unverified sender) means staff have something to fix (warn).
 */
export function reminderVerdict(due: ReminderDuePayload, outcome: StagingOutcome): ReminderVerdict {
  const fields = {
    reminderId: due.reminderId,
    eventId: due.eventId,
    configKey: due.configKey,
    dedupeKey: due.dedupeKey,
    dueAt: due.dueAt,
    late: Boolean(due.late),
  };
  if ('result' in outcome) {
    const { requestId, channels, sendAt } = outcome.result;
    return {
      outcome: 'staged',
      level: 'info',
      message: sendAt
        ? 'reminder staged: released at its due time after a last check'
        : due.late
          ? 'reminder prepared late (the system was down at its due time): sent at once'
          : 'reminder prepared at its due time: sent at once',
      fields: { ...fields, requestId, channels: channels.map((c) => c.channel) },
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
