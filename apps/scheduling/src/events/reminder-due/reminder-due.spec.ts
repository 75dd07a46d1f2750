import type { ReminderDuePayload } from '@appointments/contracts';
import { decideTransition, InvalidInput, NoChannelAvailable, NotFound } from '@appointments/domain';
import { StartMoved } from '../send-notification/start-moved';
import { reminderVerdict } from './reminder-due';
import { reminderToStage } from './reminder-request';
import type { StagingOutcome } from './stage-reminders';

const DUE: ReminderDuePayload = {
  reminderId: '4b7c2f53-55a4-4a44-9a2b-0c6f4f7e5d11',
  eventId: '9a1f5b8e-7c1d-4c1e-8a52-6f0b1d2e3c4d',
  configKey: 'day-before',
  offsetMinutes: 1440,
  startVersion: 2,
  dueAt: '2026-03-08T13:00:00.000Z',
  firedAt: '2026-03-08T13:00:00.120Z',
  dedupeKey: 'reminder:4b7c2f53-55a4-4a44-9a2b-0c6f4f7e5d11:2',
  late: false,
};

/** The state machine's own refusal for a reminder in that booking status. */
function refusalFor(bookingStatus: 'draft' | 'cancelled') {
  const decision = decideTransition(
    { bookingStatus, attendeeStatus: 'needs_action', notificationState: 'none' },
    { kind: 'reminder_sent', withButtons: true },
  );
  if (decision.allowed) throw new Error(`the state machine allows a reminder while ${bookingStatus}`);
  return decision.refusal;
}

describe('a due reminder as a reminder to stage', () => {
  it('is the trigger config for the start it was computed from, with its due time, the dedupe key and the message that asked for it', () => {
    expect(reminderToStage({ ...DUE, late: true }, 'corr-1')).toEqual({
      reminderId: DUE.reminderId,
      eventId: DUE.eventId,
      configKey: 'day-before',
      offsetMinutes: 1440,
      startVersion: 2,
      dueAt: DUE.dueAt,
      late: true,
      dedupeKey: DUE.dedupeKey,
      correlationId: 'corr-1',
    });
  });
});

describe('what became of a due reminder', () => {
  const staged: StagingOutcome = {
    eventId: DUE.eventId,
    result: { requestId: 'req-1', channels: [{ channel: 'email' }], sendAt: DUE.dueAt },
  };
  const atOnce: StagingOutcome = { eventId: DUE.eventId, result: { requestId: 'req-1', channels: [{ channel: 'email' }], sendAt: null } };

  it.each([
    ['staged ahead', staged, 'staged', 'info', /^reminder staged: released at its due time/],
    ['prepared at its due time', atOnce, 'staged', 'info', /sent at once/],
    ['the start moved', { eventId: DUE.eventId, refusal: new StartMoved(2, 3) }, 'stale', 'info', /stale/],
    ['a draft event (state machine)', { eventId: DUE.eventId, refusal: refusalFor('draft') }, 'refused', 'info', /still a draft/],
    ['a cancelled event (state machine)', { eventId: DUE.eventId, refusal: refusalFor('cancelled') }, 'refused', 'info', /cancelled/],
    [
      'an event that no longer exists',
      { eventId: DUE.eventId, refusal: new NotFound('event', DUE.eventId) },
      'refused',
      'info',
      /not sent/,
    ],
    [
      'no channel left',
      { eventId: DUE.eventId, refusal: new NoChannelAvailable('Nothing was sent: no email address') },
      'refused',
      'warn',
      /no email address/,
    ],
    [
      'the config gone from the template',
      { eventId: DUE.eventId, refusal: new InvalidInput('configKey: the template has no notification config "day-before"') },
      'refused',
      'warn',
      /day-before/,
    ],
  ] as const)('%s: %s, logged at %s', (_case, outcome, expected, level, message) => {
    const verdict = reminderVerdict(DUE, outcome as StagingOutcome);
    expect(verdict).toMatchObject({ outcome: expected, level });
    expect(verdict.message).toMatch(message);
    expect(verdict.fields).toMatchObject({ reminderId: DUE.reminderId, eventId: DUE.eventId, dedupeKey: DUE.dedupeKey });
  });

  it('a stale reminder names both start versions', () => {
    expect(reminderVerdict(DUE, { eventId: DUE.eventId, refusal: new StartMoved(2, 3) }).fields).toMatchObject({
      startVersion: 2,
      currentStartVersion: 3,
    });
  });

  it('a late reminder says so', () => {
    expect(reminderVerdict({ ...DUE, late: true }, atOnce).message).toMatch(/late/);
  });
});
