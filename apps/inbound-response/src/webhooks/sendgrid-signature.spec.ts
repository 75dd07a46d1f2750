import { SendGridSignature } from './sendgrid-signature';

/** The test vector of shared/design/protocols.md. */
const KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
const TIMESTAMP = '1588788367';
const PAYLOAD = '{"category":"example_payload","event":"test_event","message_id":"message_id"}';
const SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';

describe('SendGridSignature: ECDSA P-256 over the timestamp and the raw body', () => {
  const signature = new SendGridSignature(KEY);

  it('accepts the test vector', () => {
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, TIMESTAMP)).toBe('valid');
  });

  it('refuses the body with one byte changed', () => {
    const body = Buffer.from(PAYLOAD);
    body[body.indexOf('t')] = 'T'.charCodeAt(0);
    expect(signature.check(body, SIGNATURE, TIMESTAMP)).toBe('invalid');
  });

  it('refuses the same events re-serialised (whitespace is part of what is signed)', () => {
    expect(signature.check(Buffer.from(JSON.stringify(JSON.parse(PAYLOAD), null, 1)), SIGNATURE, TIMESTAMP)).toBe('invalid');
  });

  it('refuses another timestamp', () => {
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, '1588788368')).toBe('invalid');
  });

  it('refuses a signature that is not base64 DER', () => {
    expect(signature.check(Buffer.from(PAYLOAD), 'not a signature', TIMESTAMP)).toBe('invalid');
  });

  it('tells a missing signature or timestamp apart', () => {
    expect(signature.check(Buffer.from(PAYLOAD), undefined, TIMESTAMP)).toBe('missing');
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, undefined)).toBe('missing');
  });

  it('requires no signature when no verification key is configured', () => {
    const unsigned = new SendGridSignature(undefined);
    expect(unsigned.required).toBe(false);
    expect(unsigned.check(Buffer.from(PAYLOAD), undefined, undefined)).toBe('not_required');
  });
});
