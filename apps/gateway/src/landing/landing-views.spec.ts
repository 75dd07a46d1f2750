import { DomainEventFeedListener } from '@appointments/messaging';
import { ExpiringCache, LandingViews } from './landing-views';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function harness(ttlSeconds = 300) {
  const listeners: DomainEventFeedListener[] = [];
  const answers: { service: string; pattern: string; payload: unknown; reply: ReturnType<typeof deferred<unknown>> }[] = [];
  const rpc = {
    request: jest.fn((service: string, pattern: string, payload: unknown) => {
      const reply = deferred<unknown>();
      answers.push({ service, pattern, payload, reply });
      return reply.promise;
    }),
  };
  const feed = { listen: (listener: DomainEventFeedListener) => listeners.push(listener) };
  const views = new LandingViews(rpc as never, feed as never, { LANDING_CACHE_SECONDS: ttlSeconds, LANDING_CACHE_ENTRIES: 100 } as never);
  const event = (id: string, bookingStatus: string) => ({ id, bookingStatus });
  return { views, rpc, answers, listeners, event };
}

const TOKEN = 'A'.repeat(43);
const tokenView = (expiresAt: string) => ({ eventId: 'e1', notificationId: 'n1', expiresAt });

describe('ExpiringCache', () => {
  it.each([
    ['before its expiry', 999, 'v'],
    ['at its expiry', 1000, undefined],
    ['after its expiry', 5000, undefined],
  ])('reads an entry %s', (_, now, expected) => {
    const cache = new ExpiringCache<string>(10);
    cache.set('k', 'v', 1000);
    expect(cache.get('k', now)).toBe(expected);
  });

  it('drops the oldest entry when full', () => {
    const cache = new ExpiringCache<number>(2);
    cache.set('a', 1, Infinity);
    cache.set('b', 2, Infinity);
    cache.set('a', 3, Infinity); // rewritten: now the newest
    cache.set('c', 4, Infinity);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([3, undefined, 4]);
  });
});

describe('LandingViews', () => {
  it('asks for a token once, and keeps it no longer than the token lives', async () => {
    const { views, answers } = harness();
    const first = views.resolve(TOKEN);
    const second = views.resolve(TOKEN); // shares the request in flight
    expect(answers).toHaveLength(1);
    answers[0].reply.resolve(tokenView(new Date(Date.now() + 60_000).toISOString()));
    await expect(first).resolves.toMatchObject({ eventId: 'e1' });
    await expect(second).resolves.toMatchObject({ eventId: 'e1' });
    await views.resolve(TOKEN);
    expect(answers).toHaveLength(1);
  });

  it('does not keep a token past its expiry', async () => {
    const { views, answers } = harness();
    const read = views.resolve(TOKEN);
    answers[0].reply.resolve(tokenView(new Date(Date.now() - 1).toISOString()));
    await read;
    void views.resolve(TOKEN);
    expect(answers).toHaveLength(2);
  });

  it('refuses an implausible token without asking', async () => {
    const { views, answers } = harness();
    await expect(views.resolve('short')).rejects.toThrow('not a landing token');
    expect(answers).toHaveLength(0);
  });

  it('keeps an event until scheduling says it changed', async () => {
    const { views, answers, listeners, event } = harness();
    const read = views.event('e1');
    answers[0].reply.resolve(event('e1', 'invited'));
    await read;
    await expect(views.event('e1')).resolves.toMatchObject({ bookingStatus: 'invited' });
    expect(answers).toHaveLength(1);

    listeners[0].onEvent({ type: 'ResponseApplied', eventId: 'e1' } as never);
    const again = views.event('e1');
    expect(answers).toHaveLength(2);
    answers[1].reply.resolve(event('e1', 'confirmed'));
    await expect(again).resolves.toMatchObject({ bookingStatus: 'confirmed' });
  });

  it('does not keep a read that was in flight while the event changed', async () => {
    const { views, answers, listeners, event } = harness();
    const read = views.event('e1');
    listeners[0].onEvent({ type: 'FieldsChanged', eventId: 'e1' } as never);
    answers[0].reply.resolve(event('e1', 'booked (old)'));
    await expect(read).resolves.toMatchObject({ bookingStatus: 'booked (old)' });
    void views.event('e1');
    expect(answers).toHaveLength(2);
  });

  it('drops everything when events may have been missed', async () => {
    const { views, answers, listeners, event } = harness();
    const read = views.event('e1');
    answers[0].reply.resolve(event('e1', 'invited'));
    await read;
    listeners[0].onGap();
    void views.event('e1');
    expect(answers).toHaveLength(2);
  });

  it('always asks when told to read fresh, and when caching is off', async () => {
    const cached = harness();
    const read = cached.views.event('e1');
    cached.answers[0].reply.resolve(cached.event('e1', 'invited'));
    await read;
    void cached.views.event('e1', { fresh: true });
    expect(cached.answers).toHaveLength(2);

    const off = harness(0);
    expect(off.listeners).toHaveLength(0);
    const first = off.views.event('e1');
    off.answers[0].reply.resolve(off.event('e1', 'invited'));
    await first;
    void off.views.event('e1');
    expect(off.answers).toHaveLength(2);
  });

  it('listens for every type after which a page may change', () => {
    const { listeners } = harness();
    expect(listeners[0].types).toEqual(
      expect.arrayContaining([
        'EventBooked',
        'RsvpRequested',
        'ReminderSent',
        'UpdateSent',
        'EventCancelled',
        'FieldsChanged',
        'EventRescheduled',
        'ResponseApplied',
      ]),
    );
  });
});
