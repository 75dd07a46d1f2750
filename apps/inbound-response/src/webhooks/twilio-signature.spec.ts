import { TwilioSignature } from './twilio-signature';

/** The test vectors of shared/design/protocols.md (auth token `12345`). */
const AUTH_TOKEN = '12345';
const VOICE = {
  baseUrl: 'https://mycompany.com',
  path: '/myapp.php?foo=1&bar=2',
  fields: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
  signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
};
const SMS = {
  baseUrl: 'https://example.com',
  path: '/sms/inbound',
  fields: {
    AccountSid: `AC${'0'.repeat(32)}`,
    Body: 'C',
    From: '+15551230000',
    MessageSid: `SM${'0'.repeat(32)}`,
    NumMedia: '0',
    To: '+15559870000',
  },
  signature: 'eFu0grhIbpvmUHiASoH6cS9Sq0s=',
};

describe('TwilioSignature: X-Twilio-Signature over the public URL and every POST field', () => {
  it.each([
    ['the voice vector (URL with a query)', VOICE],
    ['the inbound SMS vector', SMS],
  ])('accepts %s', (_name, vector) => {
    expect(new TwilioSignature(AUTH_TOKEN, vector.baseUrl).check(vector.signature, vector.path, vector.fields)).toBe('valid');
  });

  it('builds the URL from the configured base, with or without a trailing slash, never from what the process sees', () => {
    expect(new TwilioSignature(AUTH_TOKEN, 'https://example.com/').check(SMS.signature, SMS.path, SMS.fields)).toBe('valid');
    expect(new TwilioSignature(AUTH_TOKEN, 'http://127.0.0.1:3001').check(SMS.signature, SMS.path, SMS.fields)).toBe('invalid');
  });

  it('covers the query exactly as received', () => {
    expect(new TwilioSignature(AUTH_TOKEN, VOICE.baseUrl).check(VOICE.signature, '/myapp.php?bar=2&foo=1', VOICE.fields)).toBe('invalid');
    expect(new TwilioSignature(AUTH_TOKEN, VOICE.baseUrl).check(VOICE.signature, '/myapp.php', VOICE.fields)).toBe('invalid');
  });

  it('covers every field: one changed, added or removed fails', () => {
    const check = (fields: Record<string, string>) => new TwilioSignature(AUTH_TOKEN, SMS.baseUrl).check(SMS.signature, SMS.path, fields);
    expect(check({ ...SMS.fields, Body: 'D' })).toBe('invalid');
    expect(check({ ...SMS.fields, ApiVersion: '2010-04-01' })).toBe('invalid');
    const { NumMedia: _dropped, ...withoutNumMedia } = SMS.fields;
    expect(check(withoutNumMedia)).toBe('invalid');
  });

  it('refuses a signature made with another auth token', () => {
    expect(new TwilioSignature('54321', SMS.baseUrl).check(SMS.signature, SMS.path, SMS.fields)).toBe('invalid');
  });

  it('tells a missing signature apart', () => {
    expect(new TwilioSignature(AUTH_TOKEN, SMS.baseUrl).check(undefined, SMS.path, SMS.fields)).toBe('missing');
    expect(new TwilioSignature(AUTH_TOKEN, SMS.baseUrl).check('', SMS.path, SMS.fields)).toBe('missing');
  });

  it('trusts nothing when no auth token is configured', () => {
    const unconfigured = new TwilioSignature(undefined, SMS.baseUrl);
    expect(unconfigured.configured).toBe(false);
    expect(unconfigured.check(SMS.signature, SMS.path, SMS.fields)).toBe('unconfigured');
  });
});
