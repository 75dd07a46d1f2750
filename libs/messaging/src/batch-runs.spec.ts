import { batchRuns, RunCandidate } from './batch-runs';

const BATCHED = new Set(['CustomerResponded', 'NotificationSent', 'EventBooked', 'EventCancelled']);
const m = (type: string, eventId: string | null): RunCandidate => ({ type, eventId });
const R = (id: string) => m('CustomerResponded', id);
const S = (id: string) => m('NotificationSent', id);

describe('batchRuns: which messages of a batch a handler takes together', () => {
  it.each<[string, RunCandidate[], number[][]]>([
    ['an empty batch', [], []],
    ['one type: one run', [R('a'), R('b'), R('c')], [[0, 1, 2]]],
    [
      'two types interleaved, different events: one run each',
      [R('a'), S('b'), R('c'), S('d')],
      [
        [0, 2],
        [1, 3],
      ],
    ],
    ['a message may not pass one about the same event', [R('a'), S('b'), R('b'), S('c')], [[0], [1, 3], [2]]],
    [
      'booked then cancelled for one event keep their order; other events group',
      [m('EventBooked', 'a'), m('EventCancelled', 'a'), m('EventBooked', 'b')],
      [[0, 2], [1]],
    ],
    ['a message without an event is never passed', [R('a'), m('OptOutChanged', null), R('b')], [[0], [1], [2]]],
    ['a batched message without an event does not move', [R('a'), S('x'), m('CustomerResponded', null)], [[0], [1], [2]]],
    [
      'a type that takes no batches: one run per message, in place',
      [m('Single', 'a'), m('Single', 'b'), R('c'), m('Single', 'd'), R('e')],
      [[0], [1], [2, 4], [3]],
    ],
    ['the same event twice in one type stays in its run, in order', [R('a'), R('a'), S('b'), R('a')], [[0, 1, 3], [2]]],
  ])('%s', (_case, items, expected) => {
    expect(batchRuns(items, (type) => BATCHED.has(type))).toEqual(expected);
  });

  it('keeps every message exactly once', () => {
    const items = Array.from({ length: 200 }, (_, index) =>
      m(index % 3 === 0 ? 'Single' : index % 2 ? 'CustomerResponded' : 'NotificationSent', `e${index % 17}`),
    );
    const runs = batchRuns(items, (type) => BATCHED.has(type));
    expect(runs.flat().sort((a, b) => a - b)).toEqual(items.map((_, index) => index));
    // Per event, arrival order is kept across the runs.
    const position = new Map(runs.flatMap((run, at) => run.map((index) => [index, at] as const)));
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++)
        if (items[i].eventId === items[j].eventId && items[i].type !== items[j].type)
          expect(position.get(i)!).toBeLessThan(position.get(j)!);
  });
});
