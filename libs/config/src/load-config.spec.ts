import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { BooleanFlag } from './decorators';
import { ConfigValidationError, loadConfig } from './load-config';
import { ServiceConfig } from './service-config';

class ExampleConfig extends ServiceConfig {
  @IsInt() @Min(1) @Max(65535) EXAMPLE_PORT = 3000;
  @BooleanFlag() @IsBoolean() EXAMPLE_FLAG = false;
}

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = loadConfig(ExampleConfig, {});
    expect(config.EXAMPLE_PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/appointments');
    expect(config.MESSAGE_RETRY_DELAYS_MS).toEqual([1000, 5000, 30000]);
  });

  it.each([
    ['a number', { EXAMPLE_PORT: '8080' }, 'EXAMPLE_PORT', 8080],
    ['a flag', { EXAMPLE_FLAG: 'yes' }, 'EXAMPLE_FLAG', true],
    ['a list of integers', { MESSAGE_RETRY_DELAYS_MS: '100, 200' }, 'MESSAGE_RETRY_DELAYS_MS', [100, 200]],
    ['an empty value as unset', { EXAMPLE_PORT: '' }, 'EXAMPLE_PORT', 3000],
  ])('reads %s', (_name, env, key, expected) => {
    expect((loadConfig(ExampleConfig, env) as unknown as Record<string, unknown>)[key]).toEqual(expected);
  });

  it.each([
    ['a port that is not a number', { EXAMPLE_PORT: 'eighty' }, 'EXAMPLE_PORT'],
    ['a port out of range', { EXAMPLE_PORT: '70000' }, 'EXAMPLE_PORT'],
    ['a database URL of another scheme', { DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    ['a broker URL that is not AMQP', { AMQP_URL: 'http://localhost' }, 'AMQP_URL'],
    ['a flag that is not a boolean', { EXAMPLE_FLAG: 'maybe' }, 'EXAMPLE_FLAG'],
    ['retry delays with a word in them', { MESSAGE_RETRY_DELAYS_MS: '100,soon' }, 'MESSAGE_RETRY_DELAYS_MS'],
  ])('refuses %s, naming the variable', (_name, env, variable) => {
    expect(() => loadConfig(ExampleConfig, env)).toThrow(ConfigValidationError);
    try {
      loadConfig(ExampleConfig, env);
    } catch (error) {
      expect((error as ConfigValidationError).problems.map((problem) => problem.variable)).toContain(variable);
      expect((error as Error).message).toContain(variable);
    }
  });
});
