import { ConfigValidationError, loadConfig } from '@appointments/config';
import { DispatchConfig } from './dispatch.config';

const TWILIO = { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'twilio-auth-token', TWILIO_FROM: '+14155550100' };
const SENDGRID = { SENDGRID_API_KEY: 'SG.key' };

function variablesRefused(env: Record<string, string>): string[] {
  try {
    loadConfig(DispatchConfig, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((problem) => problem.variable).sort();
    throw error;
  }
}

describe('DispatchConfig: where messages go', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['development without providers (the local sink)', {}, []],
    ['production with both providers', { NODE_ENV: 'production', ...SENDGRID, ...TWILIO }, []],
    ['production without any provider', { NODE_ENV: 'production' }, ['SENDGRID_API_KEY', 'TWILIO_ACCOUNT_SID']],
    ['production with SendGrid only', { NODE_ENV: 'production', ...SENDGRID }, ['TWILIO_ACCOUNT_SID']],
    ['production with Twilio only', { NODE_ENV: 'production', ...TWILIO }, ['SENDGRID_API_KEY']],
    ['production asking for the local sink', { NODE_ENV: 'production', DELIVERY_SINK: 'local' }, []],
    ['production with SendGrid and the local sink for SMS', { NODE_ENV: 'production', DELIVERY_SINK: 'local', ...SENDGRID }, []],
    ['a sink that does not exist', { DELIVERY_SINK: 'printer' }, ['DELIVERY_SINK']],
    ['the webhook token alone (local sink, signed webhooks)', { TWILIO_AUTH_TOKEN: 'webhook-signing-token' }, []],
    ['the account SID alone', { TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID }, ['TWILIO_AUTH_TOKEN', 'TWILIO_FROM']],
    ['the sender alone', { TWILIO_FROM: TWILIO.TWILIO_FROM }, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']],
    [
      'the SID and the sender without the token',
      { TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID, TWILIO_FROM: TWILIO.TWILIO_FROM },
      ['TWILIO_AUTH_TOKEN'],
    ],
    [
      'the token and the SID without the sender',
      { TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: 'x' },
      ['TWILIO_FROM'],
    ],
    ['all three (Twilio)', TWILIO, []],
    [
      'production with the webhook token alone and no SMS provider',
      { NODE_ENV: 'production', ...SENDGRID, TWILIO_AUTH_TOKEN: 'x' },
      ['TWILIO_ACCOUNT_SID'],
    ],
    [
      'production with the webhook token and the local sink',
      { NODE_ENV: 'production', DELIVERY_SINK: 'local', TWILIO_AUTH_TOKEN: 'x' },
      [],
    ],
  ])('%s → refuses %j', (_case, env, refused) => {
    expect(variablesRefused(env)).toEqual(refused);
  });

  it('sends through Twilio only with all three; the token alone keeps the local sink', () => {
    expect(loadConfig(DispatchConfig, TWILIO).twilioConfigured).toBe(true);
    expect(loadConfig(DispatchConfig, { TWILIO_AUTH_TOKEN: 'webhook-signing-token' }).twilioConfigured).toBe(false);
  });

  it('says how to start in production without a provider', () => {
    expect(() => loadConfig(DispatchConfig, { NODE_ENV: 'production' })).toThrow(/DELIVERY_SINK=local/);
  });
});
