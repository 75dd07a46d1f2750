import { CancellationConfirmation } from './cancellation-confirmation';

describe('cancellation confirmation token', () => {
  const confirmation = new CancellationConfirmation('a-secret-of-sixteen-plus', 900);
  const event = { id: '6f1c2b1e-1d2a-4a4e-9a55-0a1b2c3d4e5f', version: 7 };
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);

  it('confirms the event it was issued for, until it expires', () => {
    const { token, expiresAt } = confirmation.issue(event, now);
    expect(expiresAt).toBe('2026-01-15T12:15:00.000Z');
    expect(confirmation.problemWith(token, event, now)).toBeNull();
    expect(confirmation.problemWith(token, event, now + 899_000)).toBeNull();
    expect(confirmation.problemWith(token, event, now + 900_000)).toMatch(/expired/);
  });

  // what differs at send time | the event at send time
  it.each([
    ['the event changed since the preview', { ...event, version: 8 }],
    ['another event', { ...event, id: '00000000-0000-4000-8000-000000000000' }],
  ])('is refused when %s', (_, atSend) => {
    const { token } = confirmation.issue(event, now);
    expect(confirmation.problemWith(token, atSend, now)).toMatch(/preview the cancellation again/);
  });

  it('is refused when signed with another secret', () => {
    const { token } = new CancellationConfirmation('another-secret-sixteen', 900).issue(event, now);
    expect(confirmation.problemWith(token, event, now)).toMatch(/does not confirm/);
  });

  it('cannot have its expiry extended', () => {
    const { token } = confirmation.issue(event, now);
    const [, signature] = token.split('.');
    const later = (Math.floor(now / 1000) + 86_400).toString(36);
    expect(confirmation.problemWith(`${later}.${signature}`, event, now)).toMatch(/does not confirm/);
  });

  it.each([undefined, '', 'garbage', 'x.y', `${'z'.repeat(13)}.${'A'.repeat(43)}`])('asks for a preview when the token is %p', (token) => {
    expect(confirmation.problemWith(token, event, now)).toMatch(/preview/);
  });
});
