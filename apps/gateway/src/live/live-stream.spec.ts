import { DOMAIN_EVENT } from '@appointments/contracts';
import type { DomainEventEnvelope } from '@appointments/messaging';
import { LIVE_EVENT_TYPES, LiveConnection, liveMessagesOf, LiveStream } from './live-stream';

class Recorder implements LiveConnection {
  frames: string[] = [];
  ended = false;
  write(frame: string) {
    this.frames.push(frame);
  }
  end() {
    this.ended = true;
  }
  get text() {
    return this.frames.join('');
  }
  /** The messages written, as {id, event, data}. */
  get messages() {
    return this.text
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => {
        const fields = Object.fromEntries(
          block.split('\n').map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
        );
        return { id: fields.id, event: fields.event, data: JSON.parse(fields.data) };
      });
  }
}

const changed = (eventId: string) => ({ event: 'event_changed' as const, data: { eventId, type: 'FieldsChanged' } });

describe('LiveStream: one serialisation, every connection, replay from a ring buffer', () => {
  it('opens with the reconnection delay and fans each message out to every connection, serialised once', () => {
    const stream = new LiveStream('r1');
    const [a, b] = [new Recorder(), new Recorder()];
    stream.connect(a);
    stream.connect(b);
    expect(a.text).toBe('retry: 2000\n\n');
    const stringify = jest.spyOn(JSON, 'stringify');
    stream.publish(changed('e1'));
    expect(stringify).toHaveBeenCalledTimes(1);
    stringify.mockRestore();
    expect(a.frames[1]).toBe('id: r1.1\nevent: event_changed\ndata: {"eventId":"e1","type":"FieldsChanged"}\n\n');
    expect(b.frames[1]).toBe(a.frames[1]);
    expect(a.frames[1]).toBe(b.frames[1]);
    expect(stream.size).toBe(2);
  });

  it('stops writing to a connection once it disconnects', () => {
    const stream = new LiveStream('r1');
    const a = new Recorder();
    stream.connect(a);
    stream.disconnect(a);
    stream.publish(changed('e1'));
    expect(a.frames).toHaveLength(1);
    expect(stream.size).toBe(0);
  });

  it('replays what a client of this replica missed, oldest first', () => {
    const stream = new LiveStream('r1');
    for (const id of ['e1', 'e2', 'e3', 'e4']) stream.publish(changed(id));
    const back = new Recorder();
    stream.connect(back, 'r1.2');
    expect(back.messages.map((message) => [message.id, message.data.eventId])).toEqual([
      ['r1.3', 'e3'],
      ['r1.4', 'e4'],
    ]);
    stream.publish(changed('e5'));
    expect(back.messages.map((message) => message.id)).toEqual(['r1.3', 'r1.4', 'r1.5']);
  });

  it('replays nothing to a client that missed nothing, and nothing without Last-Event-ID', () => {
    const stream = new LiveStream('r1');
    stream.publish(changed('e1'));
    const [upToDate, fresh] = [new Recorder(), new Recorder()];
    stream.connect(upToDate, 'r1.1');
    stream.connect(fresh);
    expect(upToDate.text).toBe('retry: 2000\n\n');
    expect(fresh.text).toBe('retry: 2000\n\n');
  });

  it.each([
    ['another replica', 'r2.1'],
    ['a restarted replica (an id from the future)', 'r1.99'],
    ['garbage', 'not-an-id'],
    ['an empty seq', 'r1.'],
    ['an evicted message', 'r1.1'],
  ])('sends one resync for %s', (_name, lastEventId) => {
    const stream = new LiveStream('r1', 3);
    for (const id of ['e1', 'e2', 'e3', 'e4', 'e5']) stream.publish(changed(id));
    const client = new Recorder();
    stream.connect(client, lastEventId);
    expect(client.messages).toEqual([{ id: 'r1.5', event: 'resync', data: {} }]);
  });

  it('replays the whole buffer when the client is exactly one before the oldest kept', () => {
    const stream = new LiveStream('r1', 3);
    for (const id of ['e1', 'e2', 'e3', 'e4', 'e5']) stream.publish(changed(id));
    const client = new Recorder();
    stream.connect(client, 'r1.2');
    expect(client.messages.map((message) => message.id)).toEqual(['r1.3', 'r1.4', 'r1.5']);
  });

  it('keeps a feed gap as a resync, for the open streams and for a replay across it', () => {
    const stream = new LiveStream('r1');
    const open = new Recorder();
    stream.connect(open);
    stream.publish(changed('e1'));
    stream.resync();
    expect(open.messages.map((message) => message.event)).toEqual(['event_changed', 'resync']);
    const back = new Recorder();
    stream.connect(back, 'r1.1');
    expect(back.messages).toEqual([{ id: 'r1.2', event: 'resync', data: {} }]);
  });

  it('writes heartbeats as comments, and ends every stream on shutdown', () => {
    const stream = new LiveStream('r1');
    const client = new Recorder();
    stream.connect(client);
    stream.heartbeat();
    expect(client.frames[1]).toBe(': keep-alive\n\n');
    stream.endAll();
    expect(client.ended).toBe(true);
    expect(stream.size).toBe(0);
  });

  it('serves 500 streams from one publish cheaply', () => {
    const stream = new LiveStream('r1');
    const clients = Array.from({ length: 500 }, () => new Recorder());
    for (const client of clients) stream.connect(client);
    stream.publish(changed('e1'));
    expect(new Set(clients.map((client) => client.frames[1])).size).toBe(1);
  });
});

const envelope = (type: string, payload: unknown, eventId: string | null = 'ev-1'): DomainEventEnvelope => ({
  id: 'd1',
  type,
  version: 1,
  occurredAt: '2026-01-15T14:00:00.000Z',
  eventId,
  producer: 'test',
  payload,
});

describe('liveMessagesOf: what staff hear of a domain event', () => {
  it.each([
    DOMAIN_EVENT.EventBooked,
    DOMAIN_EVENT.RsvpRequested,
    DOMAIN_EVENT.ReminderSent,
    DOMAIN_EVENT.ResponseApplied,
    DOMAIN_EVENT.FieldsChanged,
    DOMAIN_EVENT.UpdateSent,
    DOMAIN_EVENT.EventCancelled,
    DOMAIN_EVENT.EventRescheduled,
  ])('%s → event_changed', (type) => {
    expect(liveMessagesOf(envelope(type, {}))).toEqual([{ event: 'event_changed', data: { eventId: 'ev-1', type } }]);
  });

  it('NotificationSent → event_changed and notification_status sent', () => {
    expect(liveMessagesOf(envelope(DOMAIN_EVENT.NotificationSent, { notificationId: 'n1', eventId: 'ev-1' }))).toEqual([
      { event: 'event_changed', data: { eventId: 'ev-1', type: 'NotificationSent' } },
      { event: 'notification_status', data: { notificationId: 'n1', eventId: 'ev-1', status: 'sent' } },
    ]);
  });

  it('NotificationFailed → its status', () => {
    expect(liveMessagesOf(envelope(DOMAIN_EVENT.NotificationFailed, { notificationId: 'n1', status: 'skipped' }, null))).toEqual([
      { event: 'notification_status', data: { notificationId: 'n1', status: 'skipped' } },
    ]);
  });

  it('DeliveryStatusChanged → notification_status, nothing without our notification id', () => {
    expect(liveMessagesOf(envelope(DOMAIN_EVENT.DeliveryStatusChanged, { notificationId: 'n1', status: 'delivered' }, null))).toEqual([
      { event: 'notification_status', data: { notificationId: 'n1', status: 'delivered' } },
    ]);
    expect(liveMessagesOf(envelope(DOMAIN_EVENT.DeliveryStatusChanged, { notificationId: null, status: 'delivered' }, null))).toEqual([]);
  });

  it('NotificationSent / NotificationFailed by SMS → also conversation_message of its number', () => {
    expect(
      liveMessagesOf(
        envelope(DOMAIN_EVENT.NotificationSent, { notificationId: 'n1', eventId: '', channel: 'sms', to: '+14155550100' }, null),
      ),
    ).toEqual([
      { event: 'notification_status', data: { notificationId: 'n1', status: 'sent' } },
      { event: 'conversation_message', data: { phone: '+14155550100', id: 'n1', direction: 'outbound', status: 'sent' } },
    ]);
    expect(
      liveMessagesOf(
        envelope(DOMAIN_EVENT.NotificationFailed, { notificationId: 'n1', status: 'failed', channel: 'sms', to: '+1415' }, null),
      ),
    ).toContainEqual({ event: 'conversation_message', data: { phone: '+1415', id: 'n1', direction: 'outbound', status: 'failed' } });
    expect(
      liveMessagesOf(envelope(DOMAIN_EVENT.NotificationSent, { notificationId: 'n1', channel: 'email', to: 'a@example.com' }, null)),
    ).toEqual([{ event: 'notification_status', data: { notificationId: 'n1', status: 'sent' } }]);
  });

  it.each([
    ['an unknown number', null, {}],
    ['a customer', { id: 'c1', name: 'Jane Doe' }, { customer: { id: 'c1', name: 'Jane Doe' } }],
  ])(
    'ConversationMessageAdded inbound from %s → inbound_sms {phone, body, at, customer?} and conversation_message',
    (_who, customer, extra) => {
      const payload = {
        phone: '+14155550100',
        customer,
        message: {
          id: 'm1',
          direction: 'inbound',
          body: 'Running late',
          at: '2026-01-15T13:00:00.000Z',
          source: 'customer',
          status: 'delivered',
        },
      };
      expect(liveMessagesOf(envelope(DOMAIN_EVENT.ConversationMessageAdded, payload, null))).toEqual([
        { event: 'inbound_sms', data: { phone: '+14155550100', body: 'Running late', at: '2026-01-15T13:00:00.000Z', ...extra } },
        { event: 'conversation_message', data: { phone: '+14155550100', id: 'm1', direction: 'inbound', status: 'delivered' } },
      ]);
    },
  );

  it('ConversationMessageAdded outbound (an automatic answer) → conversation_message only', () => {
    const payload = {
      phone: '+14155550100',
      customer: null,
      message: { id: 'm2', direction: 'outbound', body: 'Help text', at: '2026-01-15T13:00:00.001Z', source: 'auto_reply', status: 'sent' },
    };
    expect(liveMessagesOf(envelope(DOMAIN_EVENT.ConversationMessageAdded, payload, null))).toEqual([
      { event: 'conversation_message', data: { phone: '+14155550100', id: 'm2', direction: 'outbound', status: 'sent' } },
    ]);
  });

  it('follows exactly the types it maps', () => {
    expect([...LIVE_EVENT_TYPES].sort()).toEqual(
      [
        'ConversationMessageAdded',
        'DeliveryStatusChanged',
        'EventBooked',
        'EventCancelled',
        'EventRescheduled',
        'FieldsChanged',
        'NotificationFailed',
        'NotificationSent',
        'ReminderSent',
        'ResponseApplied',
        'RsvpRequested',
        'UpdateSent',
      ].sort(),
    );
  });
});
