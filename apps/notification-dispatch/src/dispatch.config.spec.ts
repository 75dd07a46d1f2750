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
  ])('%s → refuses %j', (_case, env, refused) => {
    expect(variablesRefused(env)).toEqual(refused);
  });

  it('says how to start in production without a provider', () => {
    expect(() => loadConfig(DispatchConfig, { NODE_ENV: 'production' })).toThrow(/DELIVERY_SINK=local/);
  });
});
