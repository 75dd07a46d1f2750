import { decideReminderRelease, ReleaseOutcome, ReleaseTimeFacts, reminderStageAt, StagedReminderFacts } from './reminder-release';

const STAGED_AT = new Date('2026-06-01T13:35:00.000Z');
const NOW = new Date('2026-06-01T13:45:00.000Z');
const EMAIL = { channel: 'email' as const, address: 'jane@example.com' };
const SMS = { channel: 'sms' as const, address: '+15551230000' };

const staged: StagedReminderFacts = { startVersion: 2, eventVersion: 7, stagedAt: STAGED_AT, channels: [EMAIL, SMS] };
const current: ReleaseTimeFacts = {
  startVersion: 2,
  version: 7,
  start: new Date('2026-06-01T14:00:00.000Z'),
  customerUpdatedAt: new Date('2026-06-01T10:00:00.000Z'),
  templateUpdatedAt: new Date('2026-05-01T10:00:00.000Z'),
  plan: { allowed: true, channels: [SMS, EMAIL] },
};

describe('decideReminderRelease: the last check of a staged reminder at its due time', () => {
  // prettier-ignore
  const CASES: { what: string; change: Partial<ReleaseTimeFacts> | null; now?: Date; outcome: ReleaseOutcome; reason?: RegExp }[] = [
    { what: 'nothing changed: the staged copy goes (channel order does not matter)', change: {},                                                          outcome: 'send' },
    { what: 'the event is gone',                                         change: null,                                                                     outcome: 'refused', reason: /no longer exists/ },
    { what: 'the start moved: stale',                                    change: { startVersion: 3, version: 8 },                                          outcome: 'stale',   reason: /start version 2, now 3/ },
    { what: 'the start moved back to an older version number: stale',    change: { startVersion: 1 },                                                      outcome: 'stale' },
    { what: 'released at the start (after downtime): missed',            change: {}, now: new Date('2026-06-01T14:00:00.000Z'),                            outcome: 'missed',  reason: /at or after the event start/ },
    { what: 'released after the start: missed, even if also changed',    change: { version: 9 }, now: new Date('2026-06-01T15:00:00.000Z'),                outcome: 'missed' },
    { what: 'the state machine refuses (cancelled): refused, with why',  change: { version: 8, plan: { allowed: false, reason: 'the event is cancelled' } }, outcome: 'refused', reason: /^the event is cancelled$/ },
    { what: 'refused wins over a change since staging',                  change: { customerUpdatedAt: NOW, plan: { allowed: false, reason: 'no channel' } }, outcome: 'refused' },
    { what: 'the event was written since staging: restage',              change: { version: 8 },                                                           outcome: 'restage', reason: /version 7, now 8/ },
    { what: 'the customer was edited after staging: restage',            change: { customerUpdatedAt: new Date('2026-06-01T13:40:00.000Z') },              outcome: 'restage', reason: /customer changed/ },
    { what: 'the customer was edited at the staging instant: send',      change: { customerUpdatedAt: STAGED_AT },                                         outcome: 'send' },
    { what: 'the template was edited after staging: restage',            change: { templateUpdatedAt: new Date('2026-06-01T13:44:00.000Z') },              outcome: 'restage', reason: /template changed/ },
    { what: 'an address opted out since staging: restage',               change: { plan: { allowed: true, channels: [EMAIL] } },                           outcome: 'restage', reason: /channels changed/ },
    { what: 'an address changed since staging: restage',                 change: { plan: { allowed: true, channels: [EMAIL, { channel: 'sms', address: '+15559990000' }] } }, outcome: 'restage' },
    { what: 'a channel would be added now: restage',                     change: { plan: { allowed: true, channels: [EMAIL, SMS, EMAIL] } },                outcome: 'restage' },
  ];

  it.each(CASES)('$what', ({ change, now, outcome, reason }) => {
    const decision = decideReminderRelease(staged, change === null ? null : { ...current, ...change }, now ?? NOW);
    expect(decision.outcome).toBe(outcome);
    if (reason) expect('reason' in decision ? decision.reason : '').toMatch(reason);
    if (outcome === 'send') expect(decision).toEqual({ outcome: 'send' });
  });
});

describe('reminderStageAt: a lead time before the due time, never in the past', () => {
  const due = new Date('2026-06-01T13:45:00.000Z');
  // prettier-ignore
  const CASES: { what: string; aheadMinutes: number; now: string; stageAt: string }[] = [
    { what: 'far ahead: the lead time before the due time', aheadMinutes: 10, now: '2026-06-01T08:00:00.000Z', stageAt: '2026-06-01T13:35:00.000Z' },
    { what: 'inside the lead time: at once',               aheadMinutes: 10, now: '2026-06-01T13:40:00.000Z', stageAt: '2026-06-01T13:40:00.000Z' },
    { what: 'already due (recovery): at once',             aheadMinutes: 10, now: '2026-06-01T13:50:00.000Z', stageAt: '2026-06-01T13:50:00.000Z' },
    { what: 'no lead time: at the due time',               aheadMinutes: 0,  now: '2026-06-01T08:00:00.000Z', stageAt: '2026-06-01T13:45:00.000Z' },
  ];

  it.each(CASES)('$what', ({ aheadMinutes, now, stageAt }) => {
    expect(reminderStageAt(due, aheadMinutes * 60_000, new Date(now)).toISOString()).toBe(stageAt);
  });
});
