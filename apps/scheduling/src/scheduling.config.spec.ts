import { ConfigValidationError, loadConfig } from '@appointments/config';
import { SchedulingConfig } from './scheduling.config';

function refused(env: Record<string, string>): string {
  try {
    loadConfig(SchedulingConfig, env);
    return '';
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.message;
    throw error;
  }
}

describe('SchedulingConfig: the cancellation token secret', () => {
  it.each<[string, Record<string, string>, RegExp | null]>([
    ['development without it (made at start)', {}, null],
    ['production without it', { NODE_ENV: 'production' }, /CANCELLATION_TOKEN_SECRET: is required/],
    [
      'production with the development secret of old',
      { NODE_ENV: 'production', CANCELLATION_TOKEN_SECRET: 'development-only-cancellation-secret' },
      /CANCELLATION_TOKEN_SECRET: must not be a value published/,
    ],
    ['a short one anywhere', { CANCELLATION_TOKEN_SECRET: 'sixteen-chars-xx' }, /CANCELLATION_TOKEN_SECRET/],
    ['production with 32 bytes', { NODE_ENV: 'production', CANCELLATION_TOKEN_SECRET: 'y'.repeat(32) }, null],
  ])('%s', (_case, env, expected) => {
    const message = refused(env);
    if (expected) expect(message).toMatch(expected);
    else expect(message).toBe('');
    if (env.CANCELLATION_TOKEN_SECRET && expected) expect(message).not.toContain(env.CANCELLATION_TOKEN_SECRET);
  });
});
