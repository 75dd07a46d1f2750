import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { canonicalJson, fingerprintKey, parseIdempotencyKey, requestFingerprint as fingerprintWith } from './idempotency-key';

const key = fingerprintKey('a-jwt-secret-for-the-spec');
const requestFingerprint = (request: Parameters<typeof fingerprintWith>[0]) => fingerprintWith(request, key);

describe('parseIdempotencyKey', () => {
  it('is null without the header: the route behaves as without keys', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
  });

  it.each([['a'], ['3f2c1a7e-5b8d-4c2e-9f10-2a6b7c8d9e0f'], ['order 42 / retry #1 ~ ok!'], ['x'.repeat(255)]])(
    'takes %p as it is',
    (key) => {
      expect(parseIdempotencyKey(key)).toBe(key);
    },
  );

  it.each([
    ['empty', ''],
    ['256 characters', 'x'.repeat(256)],
    ['a control character', 'abc\u0001'],
    ['a tab', 'a\tb'],
    ['a non-ASCII letter', 'clé'],
    ['an emoji', 'key-🔑'],
    ['several values', ['a', 'b']],
  ])('refuses %s with 400', (_, key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(BadRequestException);
    expect(() => parseIdempotencyKey(key)).toThrow('Idempotency-Key must be 1 to 255 printable ASCII characters');
  });
});

describe('requestFingerprint', () => {
  const body = { name: 'Ann Lee', email: 'ann@example.com', tags: ['a', 'b'], address: { city: 'Lyon', zip: '69001' } };

  it('is the same for the same request whatever the order of its keys, at every level', () => {
    const reordered = { tags: ['a', 'b'], address: { zip: '69001', city: 'Lyon' }, email: 'ann@example.com', name: 'Ann Lee' };
    expect(requestFingerprint({ params: { id: '1' }, body: reordered })).toBe(requestFingerprint({ params: { id: '1' }, body }));
  });

  it.each([
    ['a changed value', { params: { id: '1' }, body: { ...body, name: 'Ann Smith' } }],
    ['an added field', { params: { id: '1' }, body: { ...body, phone: '+14155550100' } }],
    ['another array order', { params: { id: '1' }, body: { ...body, tags: ['b', 'a'] } }],
    ['a value of another type', { params: { id: '1' }, body: { ...body, address: { city: 'Lyon', zip: 69001 } } }],
    ['another route param', { params: { id: '2' }, body }],
    ['a query', { params: { id: '1' }, query: { dryRun: 'true' }, body }],
    ['no body', { params: { id: '1' } }],
  ])('differs for %s', (_, other) => {
    expect(requestFingerprint(other)).not.toBe(requestFingerprint({ params: { id: '1' }, body }));
  });

  it('is an HMAC-SHA256 in hex under a key derived from the secret: no one without it can test guesses of a body (a password, a phone) against it', () => {
    expect(requestFingerprint({ body })).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintWith({ body }, fingerprintKey('another-jwt-secret'))).not.toBe(requestFingerprint({ body }));
    expect(requestFingerprint({ body })).not.toBe(
      createHash('sha256')
        .update(canonicalJson({ params: {}, query: {}, body }))
        .digest('hex'),
    );
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every level, keeps array order, and leaves out what JSON leaves out', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: undefined, e: 'x' }, 2], at: new Date('2027-01-15T12:00:00Z') })).toBe(
      '{"a":[{"d":null,"e":"x"},2],"at":"2027-01-15T12:00:00.000Z","b":1}',
    );
  });
});
