import { SenderNotVerified } from './errors';
import { assertSenderVerified, isSenderVerified, senderDomain } from './sender-verification';

describe('sender verification', () => {
  // sender | verified domains | verified?
  it.each([
    ['appointments@example.com', ['example.com'], true],
    ['Appointments@EXAMPLE.com', ['example.com'], true],
    ['appointments@example.com', ['Example.COM'], true],
    ['appointments@example.com', ['acme.test', 'example.com'], true],
    ['appointments@mail.example.com', ['example.com'], false],
    ['appointments@example.com', ['mail.example.com'], false],
    ['appointments@example.com.evil.test', ['example.com'], false],
    ['appointments@notexample.com', ['example.com'], false],
    ['appointments@example.com', [], false],
    ['no-at-sign', ['example.com'], false],
    ['trailing@', ['example.com'], false],
  ] as const)('%s with verified %j → %s', (sender, domains, verified) => {
    expect(isSenderVerified(sender, domains)).toBe(verified);
  });

  it('takes the domain after the last @', () => {
    expect(senderDomain('"odd@name"@Example.com')).toBe('example.com');
  });

  it('refuses an unverified sender with a message naming the address and the verified domains', () => {
    expect(() => assertSenderVerified('me@other.test', ['example.com', 'acme.test'])).toThrow(SenderNotVerified);
    expect(() => assertSenderVerified('me@other.test', ['example.com', 'acme.test'])).toThrow(
      /me@other\.test is not on a verified sending domain \(verified: example\.com, acme\.test\)/,
    );
    expect(() => assertSenderVerified('me@example.com', ['example.com'])).not.toThrow();
  });
});
