import type { ReminderSendRef, StagedReminderDto } from '@appointments/contracts';
import { releaseRetryDelayMs, stagedRequests, StagedRowRef, stagedUntil, verdictsByRequest } from './staged-reminders';

const NOW = Date.parse('2026-03-08T13:00:00.000Z');

const reminder = (reminderId: string): ReminderSendRef => ({
  reminderId,
  configKey: 'day-before',
  offsetMinutes: 1440,
  startVersion: 1,
  dueAt: '2026-03-08T13:00:00.000Z',
  late: false,
  eventVersion: 3,
  stagedAt: '2026-03-08T12:50:00.000Z',
  channels: [{ channel: 'email', address: 'jane@example.com' }],
  skipped: [],
});

describe('stagedUntil: a request is held until sendAt only when that is later and the release check can be asked about it', () => {
  const staged = { reminder: reminder('r1'), dedupeKey: 'reminder:r1:1' };
  // case | request | held until
  it.each([
    ['sendAt later than now', { ...staged, sendAt: '2026-03-08T13:00:00.001Z' }, '2026-03-08T13:00:00.001Z'],
    ['sendAt an hour later', { ...staged, sendAt: '2026-03-08T14:00:00.000Z' }, '2026-03-08T14:00:00.000Z'],
    ['sendAt exactly now', { ...staged, sendAt: '2026-03-08T13:00:00.000Z' }, null],
    ['sendAt past (staged late, or after downtime)', { ...staged, sendAt: '2026-03-08T12:00:00.000Z' }, null],
    ['no sendAt (an ordinary send)', { ...staged }, null],
    ['an unreadable sendAt', { ...staged, sendAt: 'tomorrow' }, null],
    ['no reminder', { dedupeKey: 'reminder:r1:1', sendAt: '2026-03-08T14:00:00.000Z' }, null],
    ['no dedupe key', { reminder: reminder('r1'), sendAt: '2026-03-08T14:00:00.000Z' }, null],
  ])('%s', (_, request, expected) => {
    expect(stagedUntil(request, NOW)).toBe(expected);
  });
});

describe('stagedRequests: the rows taken for release, one entry per request', () => {
  const row = (id: string, requestId: string): StagedRowRef & { id: string } => ({
    id,
    requestId,
    eventId: `event-of-${requestId}`,
    dedupeKey: `reminder:${requestId}:1`,
    reminder: reminder(`reminder-of-${requestId}`),
  });
  // case | rows (id, request) | requests with their row ids, in order first seen
  it.each<[string, [string, string][], [string, string[]][]]>([
    ['none', [], []],
    ['one row', [['n1', 'a']], [['a', ['n1']]]],
    [
      'email and SMS of one request',
      [
        ['n1', 'a'],
        ['n2', 'a'],
      ],
      [['a', ['n1', 'n2']]],
    ],
    [
      'two requests, interleaved',
      [
        ['n1', 'a'],
        ['n2', 'b'],
        ['n3', 'a'],
      ],
      [
        ['a', ['n1', 'n3']],
        ['b', ['n2']],
      ],
    ],
  ])('%s', (_, rows, expected) => {
    const grouped = stagedRequests(rows.map(([id, requestId]) => row(id, requestId)));
    expect(grouped.map((request) => [request.staged.requestId, request.rows.map((r) => r.id)])).toEqual(expected);
  });

  it('asks about a request with what its rows carry', () => {
    const [request] = stagedRequests([row('n1', 'a')]);
    expect(request.staged).toEqual<StagedReminderDto>({
      requestId: 'a',
      eventId: 'event-of-a',
      dedupeKey: 'reminder:a:1',
      reminder: reminder('reminder-of-a'),
    });
  });
});

describe('verdictsByRequest: a staged reminder goes only on a send verdict', () => {
  const asked = (...requestIds: string[]) => requestIds.map((requestId) => ({ requestId }) as StagedReminderDto);

  it('maps each verdict to its request, in whatever order answered', () => {
    const verdicts = verdictsByRequest(asked('a', 'b'), [
      { requestId: 'b', verdict: 'stale', reason: 'the start moved' },
      { requestId: 'a', verdict: 'send' },
    ]);
    expect(verdicts.get('a')).toEqual({ requestId: 'a', verdict: 'send' });
    expect(verdicts.get('b')).toEqual({ requestId: 'b', verdict: 'stale', reason: 'the start moved' });
  });

  // case | answer | refusal
  it.each<[string, unknown, RegExp]>([
    ['not a list', { verdicts: [] }, /not answer a list/],
    ['null', null, /not answer a list/],
    ['a request left out', [{ requestId: 'a', verdict: 'send' }], /no verdict for 1 of 2 .*request b/],
    ['an empty list', [], /no verdict for 2 of 2/],
    [
      'an unknown verdict',
      [
        { requestId: 'a', verdict: 'send' },
        { requestId: 'b', verdict: 'maybe' },
      ],
      /not a verdict/,
    ],
    ['an item without a request id', [{ verdict: 'send' }], /not a verdict/],
    ['an item that is no object', ['send', 'send'], /not a verdict/],
  ])('refuses %s whole', (_, answer, refusal) => {
    expect(() => verdictsByRequest(asked('a', 'b'), answer)).toThrow(refusal);
  });
});

describe('releaseRetryDelayMs: a failing release pauses longer each time, at most 5 s', () => {
  // prettier-ignore
  const CASES: [pollMs: number, failures: number, delayMs: number][] = [
    [100, 1, 100],
    [100, 2, 200],
    [100, 3, 400],
    [100, 6, 3_200],
    [100, 7, 5_000],
    [100, 500, 5_000],
    [60_000, 1, 5_000],
  ];
  it.each(CASES)('poll %i ms, %i failures in a row → %i ms', (pollMs, failures, delayMs) => {
    expect(releaseRetryDelayMs(pollMs, failures)).toBe(delayMs);
  });
});
