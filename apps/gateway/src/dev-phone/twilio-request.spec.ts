import { newMessageSid, twilioSignature, twimlMessage } from './twilio-request';

describe('twilioSignature: the vectors of shared/design/protocols.md (auth token 12345)', () => {
  it('signs a voice request with a query string', () => {
    expect(
      twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', {
        CallSid: 'CA1234567890ABCDE',
        Caller: '+14158675309',
        Digits: '1234',
        From: '+14158675309',
        To: '+18005551212',
      }),
    ).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('signs an inbound SMS, whatever order the fields come in', () => {
    expect(
      twilioSignature('12345', 'https://example.com/sms/inbound', {
        To: '+15559870000',
        NumMedia: '0',
        MessageSid: `SM${'0'.repeat(32)}`,
        From: '+15551230000',
        Body: 'C',
        AccountSid: `AC${'0'.repeat(32)}`,
      }),
    ).toBe('eFu0grhIbpvmUHiASoH6cS9Sq0s=');
  });
});

describe('newMessageSid and twimlMessage', () => {
  it('makes SM + 32 hex digits, different each time', () => {
    const sid = newMessageSid();
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(newMessageSid()).not.toBe(sid);
  });

  it.each([
    ['<?xml version="1.0" encoding="UTF-8"?><Response/>', null],
    [
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks, see you &amp; bye &lt;3</Message></Response>',
      'Thanks, see you & bye <3',
    ],
    ['<Response><Message to="+1">Hi "there"</Message><Message>second</Message></Response>', 'Hi "there"'],
  ])('reads %s', (twiml, expected) => {
    expect(twimlMessage(twiml)).toBe(expected);
  });
});
