import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { isSecretVariable } from './decorators';

export type ConfigClass<T> = new () => T;

/** Thrown at start-up when a variable is missing or malformed; the message names each one. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n')}\n` +
        'See .env.example for every variable and its default.',
    );
    this.name = 'ConfigValidationError';
  }
}

/**
 * Reads the variables a config class declares (every property must have an initialiser,
 * `undefined` included, so that it is known), converts them to the declared types and
 * validates them with class-validator. An empty string counts as unset.
 */
export function loadConfig<T extends object>(schema: ConfigClass<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new schema() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = coerce(value, defaults[key]);
  }
  const config = plainToInstance(schema, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigValidationError(errors.flatMap(describe(raw, config)));
  return Object.freeze(config);
}

/** Numbers stay numbers when they look like one; anything else is left for the validator to name. */
function coerce(value: string, fallback: unknown): unknown {
  if (typeof fallback === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

/** The variable and the rule it breaks, with the value given unless the variable is `@Secret()`. */
const describe =
  (raw: Record<string, unknown>, config: object) =>
  (error: ValidationError): { variable: string; problem: string }[] => {
    const given = raw[error.property];
    const problem = Object.values(error.constraints ?? {}).join('; ');
    const value = isSecretVariable(config, error.property) ? 'the value given is not shown: it is secret' : `got ${JSON.stringify(given)}`;
    return [{ variable: error.property, problem: given === undefined ? `is required (${problem})` : `${problem} (${value})` }];
  };
