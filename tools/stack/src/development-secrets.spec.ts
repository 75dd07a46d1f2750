import { webhookSigningToken } from './development-secrets';

describe('webhookSigningToken: the local loop token npm start makes', () => {
  it('makes a random token for each run while SMS go to the local sink', () => {
    const first = webhookSigningToken({});
    expect(first.TWILIO_AUTH_TOKEN).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(webhookSigningToken({}).TWILIO_AUTH_TOKEN).not.toBe(first.TWILIO_AUTH_TOKEN);
  });

  it.each([
    ['a token of your own', { TWILIO_AUTH_TOKEN: 'mine' }],
    ['Twilio meant to send (the SID)', { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` }],
    ['Twilio meant to send (the sender)', { TWILIO_FROM: '+14155550100' }],
    ['production', { NODE_ENV: 'production' }],
  ])('makes none with %s', (_name, env) => {
    expect(webhookSigningToken(env as NodeJS.ProcessEnv)).toEqual({});
  });
});
