import { generateKeyPairSync, sign } from 'node:crypto';
import { SendGridSignature } from './sendgrid-signature';

/** The test vector of shared/design/protocols.md. */
const KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
const TIMESTAMP = '1588788367';
const PAYLOAD = '{"category":"example_payload","event":"test_event","message_id":"message_id"}';
const SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
/** The vector's own moment, so that its timestamp is fresh. */
const VECTOR_NOW = Number(TIMESTAMP) * 1000;
const TOLERANCE_SECONDS = 300;

describe('SendGridSignature: ECDSA P-256 over the timestamp and the raw body', () => {
  const signature = new SendGridSignature({ verificationKey: KEY, toleranceSeconds: TOLERANCE_SECONDS, acceptUnsigned: true });

  it('accepts the test vector', () => {
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, TIMESTAMP, VECTOR_NOW)).toBe('valid');
  });

  it('refuses the body with one byte changed', () => {
    const body = Buffer.from(PAYLOAD);
    body[body.indexOf('t')] = 'T'.charCodeAt(0);
    expect(signature.check(body, SIGNATURE, TIMESTAMP, VECTOR_NOW)).toBe('invalid');
  });

  it('refuses the same events re-serialised (whitespace is part of what is signed)', () => {
    expect(signature.check(Buffer.from(JSON.stringify(JSON.parse(PAYLOAD), null, 1)), SIGNATURE, TIMESTAMP, VECTOR_NOW)).toBe('invalid');
  });

  it('refuses another timestamp', () => {
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, '1588788368', VECTOR_NOW)).toBe('invalid');
  });

  it('refuses a signature that is not base64 DER, and a timestamp that is not unix seconds', () => {
    expect(signature.check(Buffer.from(PAYLOAD), 'not a signature', TIMESTAMP, VECTOR_NOW)).toBe('invalid');
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, `${TIMESTAMP}.0`, VECTOR_NOW)).toBe('invalid');
  });

  it('tells a missing signature or timestamp apart', () => {
    expect(signature.check(Buffer.from(PAYLOAD), undefined, TIMESTAMP, VECTOR_NOW)).toBe('missing');
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, undefined, VECTOR_NOW)).toBe('missing');
  });

  it('refuses the test vector today: its signed timestamp is years old (a replay)', () => {
    expect(signature.check(Buffer.from(PAYLOAD), SIGNATURE, TIMESTAMP)).toBe('stale');
  });
});

describe('SendGridSignature: replays, with a key of our own signing real batches', () => {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const verificationKey = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const signature = new SendGridSignature({ verificationKey, toleranceSeconds: TOLERANCE_SECONDS, acceptUnsigned: false });
  const NOW = Date.parse('2026-01-15T19:00:00.000Z');
  const body = Buffer.from(
    JSON.stringify([
      {
        email: 'jane@example.com',
        event: 'bounce',
        sg_event_id: 'evt-1',
        timestamp: NOW / 1000,
        notificationId: '6f1c1d55-8f5c-4f53-9a53-3f5c0e1b2d7a',
      },
    ]),
  );

  /** As SendGrid signs: the timestamp header's text followed by the body's bytes. */
  function signedAt(seconds: number): { signature: string; timestamp: string } {
    const timestamp = String(seconds);
    return { timestamp, signature: sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), keys.privateKey).toString('base64') };
  }

  it.each([
    ['signed now', 0, 'valid'],
    ['signed as long ago as the tolerance', -TOLERANCE_SECONDS, 'valid'],
    ['signed as far ahead as the tolerance (a clock a little ahead)', TOLERANCE_SECONDS, 'valid'],
    ['signed a second longer ago than the tolerance', -TOLERANCE_SECONDS - 1, 'stale'],
    ['signed a day ago', -86_400, 'stale'],
    ['signed a second further ahead than the tolerance', TOLERANCE_SECONDS + 1, 'stale'],
    ['signed an hour ahead', 3600, 'stale'],
  ])('a batch %s is %s', (_name, offsetSeconds, expected) => {
    const { signature: signed, timestamp } = signedAt(NOW / 1000 + offsetSeconds);
    expect(signature.check(body, signed, timestamp, NOW)).toBe(expected);
  });

  it('refuses a batch signed by another key', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const timestamp = String(NOW / 1000);
    const forged = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), other.privateKey).toString('base64');
    expect(signature.check(body, forged, timestamp, NOW)).toBe('invalid');
  });
});

describe('SendGridSignature without a verification key', () => {
  it('takes events unsigned where that is allowed (development, tests)', () => {
    const unsigned = new SendGridSignature({ verificationKey: undefined, toleranceSeconds: TOLERANCE_SECONDS, acceptUnsigned: true });
    expect(unsigned.required).toBe(false);
    expect(unsigned.check(Buffer.from(PAYLOAD), undefined, undefined)).toBe('not_required');
  });

  it('refuses every request where it is not (production), signed or not', () => {
    const unconfigured = new SendGridSignature({ verificationKey: undefined, toleranceSeconds: TOLERANCE_SECONDS, acceptUnsigned: false });
    expect(unconfigured.check(Buffer.from(PAYLOAD), undefined, undefined)).toBe('unconfigured');
    expect(unconfigured.check(Buffer.from(PAYLOAD), SIGNATURE, TIMESTAMP, VECTOR_NOW)).toBe('unconfigured');
  });
});
