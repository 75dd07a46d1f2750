import { twilioStatusReport } from './twilio-status-report';

const SID = `SM${'0'.repeat(32)}`;
const NOTIFICATION_ID = '6f1c1d55-8f5c-4f53-9a53-3f5c0e1b2d7a';
const RECEIVED_AT = new Date('2026-01-15T19:00:00.000Z');

describe('twilioStatusReport: a status callback as a delivery report', () => {
  it('reports a final status with its error code, keyed on the message and the status', () => {
    expect(twilioStatusReport({ MessageSid: SID, MessageStatus: 'undelivered', ErrorCode: '30003' }, NOTIFICATION_ID, RECEIVED_AT)).toEqual(
      {
        callbackKey: `${SID}:undelivered`,
        change: {
          notificationId: NOTIFICATION_ID,
          provider: 'twilio',
          providerMessageId: SID,
          status: 'undelivered',
          providerStatus: 'undelivered',
          errorCode: '30003',
          reason: null,
          occurredAt: '2026-01-15T19:00:00.000Z',
        },
      },
    );
  });

  it('reports a callback whose URL lost the notification id, for matching by message id', () => {
    expect(twilioStatusReport({ MessageSid: SID, MessageStatus: 'delivered' }, null, RECEIVED_AT)?.change).toMatchObject({
      notificationId: null,
      providerMessageId: SID,
      status: 'delivered',
      errorCode: null,
    });
  });

  it.each(['queued', 'sending', 'accepted', 'partially_delivered'])('reports nothing for %s', (status) => {
    expect(twilioStatusReport({ MessageSid: SID, MessageStatus: status }, NOTIFICATION_ID, RECEIVED_AT)).toBeNull();
  });
});
