import { ConfigValidationError, loadConfig } from '@appointments/config';
import { generateKeyPairSync } from 'node:crypto';
import { InboundConfig } from './inbound.config';

const KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

describe('InboundConfig: SendGrid event webhook', () => {
  it.each([
    ['development without a key', { NODE_ENV: 'development' }, true],
    ['tests without a key', { NODE_ENV: 'test' }, true],
    ['production without a key', { NODE_ENV: 'production' }, false],
    ['production with a key', { NODE_ENV: 'production', SENDGRID_WEBHOOK_VERIFICATION_KEY: KEY }, false],
    ['development with a key', { NODE_ENV: 'development', SENDGRID_WEBHOOK_VERIFICATION_KEY: KEY }, false],
  ])('%s: unsigned events accepted = %s', (_name, env, accepted) => {
    expect(loadConfig(InboundConfig, env).sendGridAcceptsUnsigned).toBe(accepted);
  });

  it('refuses replays older than 300 s unless told otherwise', () => {
    expect(loadConfig(InboundConfig, {}).SENDGRID_WEBHOOK_TOLERANCE_SECONDS).toBe(300);
    expect(loadConfig(InboundConfig, { SENDGRID_WEBHOOK_TOLERANCE_SECONDS: '600' }).SENDGRID_WEBHOOK_TOLERANCE_SECONDS).toBe(600);
  });

  it.each(['0', '10', '100000', 'soon'])('refuses a tolerance of %s, naming the variable', (value) => {
    expect(() => loadConfig(InboundConfig, { SENDGRID_WEBHOOK_TOLERANCE_SECONDS: value })).toThrow(ConfigValidationError);
    expect(() => loadConfig(InboundConfig, { SENDGRID_WEBHOOK_TOLERANCE_SECONDS: value })).toThrow(/SENDGRID_WEBHOOK_TOLERANCE_SECONDS/);
  });
});
