import { isSameOriginPost, LandingFormToken } from './landing-form-token';

describe('LandingFormToken', () => {
  const key = LandingFormToken.keyFrom(undefined, 'a-jwt-secret-of-sixteen-chars');
  const tokens = new LandingFormToken(key, 3600);
  const now = Date.UTC(2027, 0, 15, 12);

  it('verifies a token it issued for the same landing token', () => {
    expect(tokens.verify('landing-token-a', tokens.issue('landing-token-a', now), now + 1000)).toBe(true);
  });

  it('refuses a token issued for another landing token', () => {
    expect(tokens.verify('landing-token-b', tokens.issue('landing-token-a', now), now)).toBe(false);
  });

  it('refuses a token past its expiry', () => {
    expect(tokens.verify('landing-token-a', tokens.issue('landing-token-a', now), now + 3601_000)).toBe(false);
  });

  it('refuses a token signed with another key', () => {
    const other = new LandingFormToken(LandingFormToken.keyFrom('another-landing-secret', 'x'), 3600);
    expect(tokens.verify('landing-token-a', other.issue('landing-token-a', now), now)).toBe(false);
  });

  it.each([undefined, '', 'garbage', ['a', 'b'], 42, 'zzzzzzzzzz.short'])('refuses %p', (value) => {
    expect(tokens.verify('landing-token-a', value, now)).toBe(false);
  });

  it('refuses a token whose expiry was moved forward', () => {
    const [expires, mac] = tokens.issue('landing-token-a', now).split('.');
    const later = (Number.parseInt(expires, 36) + 86400).toString(36);
    expect(tokens.verify('landing-token-a', `${later}.${mac}`, now)).toBe(false);
  });
});

describe('isSameOriginPost', () => {
  it.each([
    [{ 'sec-fetch-site': 'same-origin', origin: 'null', host: 'example.com' }, true],
    [{ 'sec-fetch-site': 'cross-site', origin: 'https://example.com', host: 'example.com' }, false],
    [{ 'sec-fetch-site': 'same-site', host: 'example.com' }, false],
    [{ 'sec-fetch-site': 'none', host: 'example.com' }, false],
    [{ origin: 'https://example.com', host: 'example.com' }, true],
    [{ origin: 'http://example.com:3000', host: 'example.com:3000' }, true],
    [{ origin: 'https://evil.example', host: 'example.com' }, false],
    [{ origin: 'null', host: 'example.com' }, true],
    [{ host: 'example.com' }, true],
    [{ origin: 'not a url', host: 'example.com' }, false],
  ])('%j → %p', (headers, expected) => {
    expect(isSameOriginPost(headers)).toBe(expected);
  });
});
