import { parseDomainEvents, PoisonMessage, stampDomainEvent } from './domain-event';

const envelope = (note: string, eventId: string | null = 'ev-1') =>
  stampDomainEvent({ type: 'ProbeHappened', eventId, payload: { note } }, 'test');
const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');

describe('parseDomainEvents: the domain events of a message', () => {
  it('reads a message of one event as that event, not packed', () => {
    const one = envelope('one');
    expect(parseDomainEvents(body(one))).toEqual([{ envelope: one, error: null, raw: one, packed: false }]);
  });

  it('reads a pack as its events, in order, each with its own correlation id', () => {
    const [a, b] = [envelope('a'), envelope('b', 'ev-2')];
    const received = parseDomainEvents(body([{ ...a, correlationId: 'corr-a' }, b]));
    expect(received.map((event) => [event.envelope?.id, event.correlationId, event.packed])).toEqual([
      [a.id, 'corr-a', true],
      [b.id, undefined, true],
    ]);
    expect(received[1].envelope).toEqual(b);
  });

  it('keeps an unreadable element of a pack, with its error, beside the readable ones', () => {
    const good = envelope('good');
    const received = parseDomainEvents(body([good, { type: 'ProbeHappened', payload: {} }, 7]));
    expect(received.map((event) => [event.envelope?.id ?? null, event.error?.message ?? null])).toEqual([
      [good.id, null],
      [null, 'domain event has no id'],
      [null, 'message body is not a JSON object'],
    ]);
    expect(received[1].error).toBeInstanceOf(PoisonMessage);
    expect(received[2].raw).toBe(7);
  });

  it.each<[string, string, string]>([
    ['not JSON', '{nope', 'message body is not JSON'],
    ['a number', '42', 'message body is not a JSON object'],
    ['null', 'null', 'message body is not a JSON object'],
    ['an empty pack', '[]', 'message body is an empty pack of domain events'],
    ['an envelope without a type', JSON.stringify({ id: 'x', occurredAt: 'now', payload: {} }), 'domain event has no type'],
    [
      'an envelope without a payload object',
      JSON.stringify({ id: 'x', type: 'T', occurredAt: 'now', payload: 'text' }),
      'domain event has no payload object',
    ],
  ])('refuses a body that is %s as a whole (poison)', (_case, text, reason) => {
    expect(() => parseDomainEvents(body(text))).toThrow(new PoisonMessage(reason));
  });

  it('fills the defaults of an older producer (no version, no eventId, no producer)', () => {
    const [event] = parseDomainEvents(body({ id: 'x', type: 'T', occurredAt: '2026-01-01T00:00:00Z', payload: {} }));
    expect(event.envelope).toEqual({
      id: 'x',
      type: 'T',
      version: 1,
      occurredAt: '2026-01-01T00:00:00Z',
      eventId: null,
      producer: 'unknown',
      payload: {},
    });
  });
});
