import { InvalidInput } from '@appointments/domain';
import { readSendGridBatch } from './sendgrid-event-batch';

const RECEIVED_AT = new Date('2026-01-15T19:00:00.000Z');
const NOTIFICATION_ID = '6f1c1d55-8f5c-4f53-9a53-3f5c0e1b2d7a';

function event(fields: Record<string, unknown>) {
  return {
    email: 'jane@example.com',
    timestamp: 1768503600, // 2026-01-15T19:00:00Z
    sg_event_id: `evt-${Math.random()}`,
    sg_message_id: 'x-message-id.filterdrecv-123.0',
    notificationId: NOTIFICATION_ID,
    ...fields,
  };
}

const body = (events: unknown) => Buffer.from(JSON.stringify(events));

describe('readSendGridBatch: one POST of the event webhook as delivery reports', () => {
  it('reports a delivery, keyed on sg_event_id, with the X-Message-Id and the time SendGrid gives', () => {
    const delivered = event({ event: 'delivered', sg_event_id: 'evt-1', response: '250 OK' });
    expect(readSendGridBatch(body([delivered]), RECEIVED_AT)).toEqual({
      received: 1,
      reports: [
        {
          callbackKey: 'evt-1',
          change: {
            notificationId: NOTIFICATION_ID,
            provider: 'sendgrid',
            providerMessageId: 'x-message-id',
            status: 'delivered',
            providerStatus: 'delivered',
            errorCode: null,
            reason: null, // "250 OK" is no reason
            occurredAt: '2026-01-15T19:00:00.000Z',
          },
        },
      ],
      skipped: { withoutNotificationId: 0, withoutStatusChange: 0, malformed: 0 },
    });
  });

  it.each([
    [
      'a bounce: its reason and SMTP status',
      { event: 'bounce', type: 'bounce', reason: '550 5.1.1 unknown user', status: '5.1.1' },
      { status: 'bounced', reason: '550 5.1.1 unknown user', errorCode: '5.1.1' },
    ],
    [
      'a blocked bounce',
      { event: 'bounce', type: 'blocked', reason: 'blocked by the receiver', status: '5.7.1' },
      { status: 'bounced', reason: 'blocked by the receiver', errorCode: '5.7.1' },
    ],
    [
      'a bounce without a reason: its type',
      { event: 'bounce', type: 'blocked' },
      { status: 'bounced', reason: 'blocked', errorCode: null },
    ],
    ['a drop', { event: 'dropped', reason: 'Bounced Address' }, { status: 'failed', reason: 'Bounced Address', errorCode: null }],
    ['processed', { event: 'processed' }, { status: 'sent', reason: null, errorCode: null }],
    ['an open', { event: 'open' }, { status: 'delivered', reason: null, errorCode: null }],
  ])('reports %s', (_name, fields, expected) => {
    const [report] = readSendGridBatch(body([event(fields)]), RECEIVED_AT).reports;
    expect(report.change).toMatchObject(expected);
  });

  it('uses the time of arrival when SendGrid gives none, and no message id when there is none', () => {
    const [report] = readSendGridBatch(
      body([event({ event: 'processed', timestamp: undefined, sg_message_id: undefined })]),
      RECEIVED_AT,
    ).reports;
    expect(report.change).toMatchObject({ occurredAt: RECEIVED_AT.toISOString(), providerMessageId: null });
  });

  it('leaves out, and counts, events that are not ours, say nothing about delivery, or are malformed', () => {
    const batch = readSendGridBatch(
      body([
        event({ event: 'delivered' }),
        event({ event: 'delivered', notificationId: undefined }),
        event({ event: 'deferred' }),
        event({ event: 'spamreport' }),
        event({ event: 'delivered', sg_event_id: undefined }),
        event({ event: 'delivered', notificationId: 'not-a-uuid' }),
        event({ event: 'delivered', timestamp: 'yesterday' }),
        {},
      ]),
      RECEIVED_AT,
    );
    expect(batch.received).toBe(8);
    expect(batch.reports).toHaveLength(1);
    expect(batch.skipped).toEqual({ withoutNotificationId: 1, withoutStatusChange: 2, malformed: 4 });
  });

  it.each([
    ['not JSON', Buffer.from('[{"event":'), 'The body is not valid JSON; it must be a JSON array of SendGrid events'],
    ['a JSON object', body(event({ event: 'delivered' })), 'The body must be a JSON array of SendGrid events'],
    [
      'an array holding a string',
      body([event({ event: 'delivered' }), 'delivered']),
      'The body must be a JSON array of event objects; item 1 is not an object',
    ],
    ['not read as bytes (another content type)', '[]', 'The body must be a JSON array of SendGrid events, sent as application/json'],
  ])('refuses a body that is %s', (_name, given, message) => {
    expect(() => readSendGridBatch(given, RECEIVED_AT)).toThrow(new InvalidInput(message));
  });

  it('takes an empty batch', () => {
    expect(readSendGridBatch(body([]), RECEIVED_AT)).toMatchObject({ received: 0, reports: [] });
  });
});
