import { domainEventMessages, MAX_EVENTS_PER_MESSAGE } from './outbox';

const e = (type: string, eventId: string | null) => ({ type, eventId });
const Sent = (id: string | null) => e('ReminderSent', id);
const Req = (id: string | null) => e('NotificationRequested', id);

describe('domainEventMessages: how the events of one transaction become messages', () => {
  it.each<[string, { type: string; eventId: string | null }[], number[][]]>([
    ['nothing', [], []],
    ['one event: one message', [Sent('a')], [[0]]],
    ['one type: one pack', [Sent('a'), Sent('b'), Sent('c')], [[0, 1, 2]]],
    [
      'two types per calendar event, many events: one pack per type, in the order of their first event',
      [Sent('a'), Req('a'), Sent('b'), Req('b'), Sent('c'), Req('c')],
      [
        [0, 2, 4],
        [1, 3, 5],
      ],
    ],
    ['an event never passes one about the same calendar event', [Req('a'), Sent('a'), Req('a')], [[0], [1], [2]]],
    ['an event without a calendar event is never passed', [Sent('a'), e('OptOutChanged', null), Sent('b')], [[0], [1], [2]]],
    [
      'events without a calendar event pack when nothing lies between them (in order)',
      [e('OptOutChanged', null), e('OptOutChanged', null), Sent('a'), e('OptOutChanged', null)],
      [[0, 1], [2], [3]],
    ],
    [
      'the same calendar event twice in one type stays in its pack, in order',
      [Sent('a'), Sent('a'), Req('b'), Sent('a')],
      [[0, 1, 3], [2]],
    ],
  ])('%s', (_case, events, expected) => {
    expect(domainEventMessages(events)).toEqual(expected);
  });

  it(`splits a pack at ${MAX_EVENTS_PER_MESSAGE} events, keeping the order`, () => {
    const events = Array.from({ length: MAX_EVENTS_PER_MESSAGE * 2 + 5 }, (_, index) => Sent(`e${index}`));
    const messages = domainEventMessages(events);
    expect(messages.map((message) => message.length)).toEqual([MAX_EVENTS_PER_MESSAGE, MAX_EVENTS_PER_MESSAGE, 5]);
    expect(messages.flat()).toEqual(events.map((_, index) => index));
  });
});
