import { newNonce } from './landing-page-reply';

describe('newNonce', () => {
  it('hands out 24 base64url characters, never the same twice, across many refills of its entropy', () => {
    const nonces = Array.from({ length: 2000 }, () => newNonce());
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});
