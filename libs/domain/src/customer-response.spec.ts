import { decideResponses, isRepeatedResponse, RecordedResponseFacts, REPEATED_RESPONSE_WINDOW_MS } from './customer-response';

describe('isRepeatedResponse: the same answer to the same event within ten minutes is a repeat', () => {
  const now = new Date('2027-01-10T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  // prettier-ignore
  it.each([
    // what                                            latest recorded                                                              candidate                                repeat?
    ['nothing recorded before',                        null,                                                                        { response: 'accept', reason: null },    false],
    ['the same accept a second ago (double click)',    { response: 'accept', reason: null, createdAt: ago(1000) },                  { response: 'accept', reason: null },    true],
    ['the same decline and reason 9 minutes ago',      { response: 'decline', reason: 'Ill', createdAt: ago(9 * 60_000) },          { response: 'decline', reason: 'Ill' },  true],
    ['the same accept just under 10 minutes ago',      { response: 'accept', reason: null, createdAt: ago(REPEATED_RESPONSE_WINDOW_MS - 1) }, { response: 'accept', reason: null }, true],
    ['the same accept exactly 10 minutes ago',         { response: 'accept', reason: null, createdAt: ago(REPEATED_RESPONSE_WINDOW_MS) },     { response: 'accept', reason: null }, false],
    ['a different action (a change of mind)',          { response: 'accept', reason: null, createdAt: ago(1000) },                  { response: 'decline', reason: null },   false],
    ['the same action with another reason',            { response: 'decline', reason: 'Ill', createdAt: ago(1000) },                { response: 'decline', reason: 'Away' }, false],
    ['the same action, a reason where there was none', { response: 'decline', reason: null, createdAt: ago(1000) },                 { response: 'decline', reason: 'Away' }, false],
  ] as const)('%s → %s', (_what, latest, candidate, repeated) => {
    expect(isRepeatedResponse(latest, candidate, now)).toBe(repeated);
  });
});

describe('decideResponses: a list decided as if each response were recorded alone, in order', () => {
  const now = new Date('2025-01-01T12:00:00Z');
  const stored = (id: string, response: RecordedResponseFacts['response'], minutesAgo: number): RecordedResponseFacts => ({
    id,
    response,
    reason: null,
    createdAt: new Date(now.getTime() - minutesAgo * 60_000),
  });

  // prettier-ignore
  it.each([
    // what                                      latest stored per event              candidates (event:response)          expected (id or new-N, dup: a repeat)
    ['nothing stored: each event records',     {},                                    ['e1:accept', 'e2:accept'],          ['new-1', 'new-2']],
    ['repeats the stored response',            { e1: stored('r1', 'accept', 1) },     ['e1:accept'],                       ['r1 dup']],
    ['stored too long ago: new',               { e1: stored('r1', 'accept', 11) },    ['e1:accept'],                       ['new-1']],
    ['a different answer: new',                { e1: stored('r1', 'accept', 1) },     ['e1:decline'],                      ['new-1']],
    ['the same twice in the list',             {},                                    ['e1:accept', 'e1:accept'],          ['new-1', 'new-1 dup']],
    ['changed mind in the list, then back',    { e1: stored('r1', 'accept', 1) },     ['e1:decline', 'e1:accept'],         ['new-1', 'new-2']],
    ['the stored one, then a repeat of it',    { e1: stored('r1', 'decline', 1) },    ['e1:decline', 'e1:decline'],        ['r1 dup', 'r1 dup']],
    ['events do not mix',                      { e1: stored('r1', 'accept', 1) },     ['e2:accept', 'e1:accept'],          ['new-1', 'r1 dup']],
  ] as const)('%s', (_what, latest, candidates, expected) => {
    let counter = 0;
    const decided = decideResponses(
      candidates.map((candidate) => {
        const [eventId, response] = candidate.split(':');
        return { eventId, response: response as 'accept' | 'decline', reason: null };
      }),
      new Map(Object.entries(latest)),
      now,
      () => `new-${(counter += 1)}`,
    );
    expect(decided.map((decision) => `${decision.response.id}${decision.duplicate ? ' dup' : ''}`)).toEqual(expected);
  });

  it('compares reasons too: the same decline with another reason is a new response', () => {
    const decided = decideResponses(
      [
        { eventId: 'e1', response: 'decline', reason: 'Out of town' },
        { eventId: 'e1', response: 'decline', reason: 'Sick' },
      ],
      new Map(),
      now,
      () => 'x',
    );
    expect(decided.map((decision) => decision.duplicate)).toEqual([false, false]);
  });

  it('answers a new response with its own facts, recorded now', () => {
    const [decision] = decideResponses([{ eventId: 'e1', response: 'decline', reason: 'Sick' }], new Map(), now, () => 'r9');
    expect(decision).toEqual({ response: { id: 'r9', response: 'decline', reason: 'Sick', createdAt: now }, duplicate: false });
  });
});
