/**
 * Staged reminders (the reminders issue, see docs/decisions.md "Staged reminders"): a reminder
 * is prepared a lead time before it is due (checked, rendered, stored by notification-dispatch
 * as `staged`) and released at its due time after one last check against the event as it is
 * then. These are the rules of that check, as plain decisions over values.
 *
 * - The start moved since staging (another start version): **stale**, withdrawn; the reminder for
 *   the new start is scheduled apart.
 * - The event has started: **missed**, withdrawn (only after downtime: a release is on time otherwise).
 * - The state machine, the config, the channels or the sender now refuse a reminder (a cancelled
 *   event, the config gone, every address opted out): **refused**, withdrawn, with the reason.
 * - Anything the message shows may have changed since staging (the event, its customer or its
 *   template was written after the staging, or the channels a send would choose now differ,
 *   an address having opted out): **restage**, the staged copy is withdrawn and the reminder is
 *   prepared again from the current state and sent at once.
 * - Otherwise: **send** the staged copy.
 */
import type { Channel } from './vocabulary';

/** What was staged, as the release check needs it. */
export interface StagedReminderFacts {
  startVersion: number;
  /** The event's version when the reminder was staged. */
  eventVersion: number;
  stagedAt: Date;
  channels: readonly { channel: Channel; address: string }[];
}

/** The event as it is at release time, and what a send planned now would do. */
export interface ReleaseTimeFacts {
  startVersion: number;
  version: number;
  start: Date;
  /** The last write of the event's customer and of its template. */
  customerUpdatedAt: Date;
  templateUpdatedAt: Date;
  /** A reminder planned now: the channels it would use, or why it would be refused. */
  plan: { allowed: true; channels: readonly { channel: Channel; address: string }[] } | { allowed: false; reason: string };
}

export type ReleaseOutcome = 'send' | 'stale' | 'missed' | 'refused' | 'restage';

export type ReleaseDecision = { outcome: 'send' } | { outcome: Exclude<ReleaseOutcome, 'send'>; reason: string };

/** The release check of one staged reminder (the rules above, in that order); `current` null: the event is gone. */
export function decideReminderRelease(staged: StagedReminderFacts, current: ReleaseTimeFacts | null, now: Date): ReleaseDecision {
  if (!current) return { outcome: 'refused', reason: 'the event no longer exists' };
  if (current.startVersion !== staged.startVersion) {
    return {
      outcome: 'stale',
      reason: `the event start moved since the reminder was prepared (start version ${staged.startVersion}, now ${current.startVersion})`,
    };
  }
  if (now.getTime() >= current.start.getTime()) {
    return { outcome: 'missed', reason: `released at ${now.toISOString()}, at or after the event start ${current.start.toISOString()}` };
  }
  if (!current.plan.allowed) return { outcome: 'refused', reason: current.plan.reason };
  const changed = changedSinceStaging(staged, current);
  if (changed) return { outcome: 'restage', reason: changed };
  return { outcome: 'send' };
}

function changedSinceStaging(staged: StagedReminderFacts, current: ReleaseTimeFacts): string | null {
  if (current.version !== staged.eventVersion)
    return `the event changed since the reminder was prepared (version ${staged.eventVersion}, now ${current.version})`;
  if (current.customerUpdatedAt.getTime() > staged.stagedAt.getTime()) return 'the customer changed since the reminder was prepared';
  if (current.templateUpdatedAt.getTime() > staged.stagedAt.getTime()) return 'the template changed since the reminder was prepared';
  if (!sameChannels(staged.channels, current.plan.allowed ? current.plan.channels : []))
    return 'the channels changed since the reminder was prepared (an address opted out or back in)';
  return null;
}

function sameChannels(a: StagedReminderFacts['channels'], b: StagedReminderFacts['channels']): boolean {
  const key = (list: StagedReminderFacts['channels']) =>
    list
      .map((item) => `${item.channel} ${item.address}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

/**
 * When a reminder is staged: `aheadMs` before it is due, or at once when that is past. A lead
 * of 0 stages at the due time (the release then follows at once).
 */
export function reminderStageAt(dueAt: Date, aheadMs: number, now: Date): Date {
  return new Date(Math.max(now.getTime(), dueAt.getTime() - aheadMs));
}
