import { MAX_RESPONSE_REASON_LENGTH } from '@appointments/contracts';
import { keptReason, landingRefusal, reasonTooLong } from './response-rules';

const buttons = (on: Partial<Record<'accept' | 'decline' | 'reschedule', boolean>>) => ({
  buttons: { accept: false, decline: false, reschedule: false, viewDetails: true, addToCalendar: true, ...on },
});

describe('landingRefusal', () => {
  it.each([
    ['accept', { accept: true }, null],
    ['decline', { decline: true }, null],
    ['reschedule', { reschedule: true }, null],
    ['accept', { decline: true, reschedule: true }, 'This message does not offer accepting; please contact the organizer instead'],
    ['decline', { accept: true }, 'This message does not offer declining; please contact the organizer instead'],
    ['reschedule', {}, 'This message does not offer asking to reschedule; please contact the organizer instead'],
  ] as const)('%s with buttons %j → %s', (action, on, refusal) => {
    expect(landingRefusal(buttons(on), action)).toBe(refusal);
  });

  it('refuses every action of a config without buttons', () => {
    expect(landingRefusal({} as never, 'accept')).not.toBeNull();
  });
});

describe('keptReason', () => {
  const config = { declineReason: true, rescheduleReason: false };
  it('keeps a trimmed decline reason when the config asks for one', () => {
    expect(keptReason(config, 'decline', '  Out of town  ')).toBe('Out of town');
  });
  it('drops a reason the config does not ask for, and any reason for an accept', () => {
    expect(keptReason(config, 'reschedule', 'Later please')).toBeNull();
    expect(keptReason({ declineReason: true, rescheduleReason: true }, 'accept', 'Great')).toBeNull();
  });
  it('reads an empty or blank reason as none', () => {
    expect(keptReason(config, 'decline', '   ')).toBeNull();
    expect(keptReason(config, 'decline', undefined)).toBeNull();
  });
  it('limits reasons to MAX_RESPONSE_REASON_LENGTH characters', () => {
    expect(reasonTooLong('x'.repeat(MAX_RESPONSE_REASON_LENGTH))).toBe(false);
    expect(reasonTooLong('x'.repeat(MAX_RESPONSE_REASON_LENGTH + 1))).toBe(true);
    expect(reasonTooLong(undefined)).toBe(false);
  });
});
