import { decideResponses, isRepeatedResponse, RecordedResponseFacts, REPEATED_RESPONSE_WINDOW_MS } from './customer-response';
import type { ResponseType } from './vocabulary';

describe('isRepeatedResponse: the same answer to the same event within ten minutes is a repeat', () => {
  const now = new Date('2027-01-10T12:00:00Z');
  /** The latest response recorded: its answer and reason, `msAgo` before now. */
  const latest = (response: ResponseType, reason: string | null, msAgo: number) => ({
    response,
    reason,
    createdAt: new Date(now.getTime() - msAgo),
  });
  const WINDOW = REPEATED_RESPONSE_WINDOW_MS;

  // prettier-ignore
  it.each([
    // what                                            latest recorded                       candidate                   repeat?
    ['nothing recorded before',                        null,                                 ['accept', null],           false],
    ['the same accept a second ago (double click)',    latest('accept', null, 1000),         ['accept', null],           true],
    ['the same decline and reason 9 minutes ago',      latest('decline', 'Ill', 9 * 60_000), ['decline', 'Ill'],         true],
    ['the same accept just under 10 minutes ago',      latest('accept', null, WINDOW - 1),   ['accept', null],           true],
    ['the same accept exactly 10 minutes ago',         latest('accept', null, WINDOW),       ['accept', null],           false],
    ['a different action (a change of mind)',          latest('accept', null, 1000),         ['decline', null],          false],
    ['the same action with another reason',            latest('decline', 'Ill', 1000),       ['decline', 'Away'],        false],
    ['the same action, a reason where there was none', latest('decline', null, 1000),        ['decline', 'Away'],        false],
  ] as const)('%s → %s', (_what, recorded, [response, reason], repeated) => {
    expect(isRepeatedResponse(recorded, { response, reason }, now)).toBe(repeated);
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
    // what                                      latest stored per event              event:response candidates    ids (new-N: new; dup)
    ['nothing stored: each event records',     {},                                    ['e1:accept', 'e2:accept'],   ['new-1', 'new-2']],
    ['repeats the stored response',            { e1: stored('r1', 'accept', 1) },     ['e1:accept'],                ['r1 dup']],
    ['stored too long ago: new',               { e1: stored('r1', 'accept', 11) },    ['e1:accept'],                ['new-1']],
    ['a different answer: new',                { e1: stored('r1', 'accept', 1) },     ['e1:decline'],               ['new-1']],
    ['the same twice in the list',             {},                                    ['e1:accept', 'e1:accept'],   ['new-1', 'new-1 dup']],
    ['changed mind in the list, then back',    { e1: stored('r1', 'accept', 1) },     ['e1:decline', 'e1:accept'],  ['new-1', 'new-2']],
    ['the stored one, then a repeat of it',    { e1: stored('r1', 'decline', 1) },    ['e1:decline', 'e1:decline'], ['r1 dup', 'r1 dup']],
    ['events do not mix',                      { e1: stored('r1', 'accept', 1) },     ['e2:accept', 'e1:accept'],   ['new-1', 'r1 dup']],
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
