import { Transform } from 'class-transformer';
import { IsNotIn, ValidateBy } from 'class-validator';

/** `true`/`false`/`1`/`0`/`yes`/`no` from the environment; anything else stays a string and fails `@IsBoolean()`. */
export const BooleanFlag = () =>
  Transform(({ value }) => {
    if (typeof value === 'boolean') return value;
    const normalised = String(value).trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
    if (['false', '0', 'no', 'off'].includes(normalised)) return false;
    return value;
  });

/** A comma-separated list of integers, e.g. `1000,5000,25000`. */
export const IntegerList = () =>
  Transform(({ value }) =>
    Array.isArray(value)
      ? value
      : String(value)
          .split(',')
          .map((part) => Number(part.trim())),
  );

/** A comma-separated list of strings. */
export const StringList = () =>
  Transform(({ value }) =>
    Array.isArray(value)
      ? value
      : String(value)
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
  );

const SECRET_VARIABLES = Symbol('secretVariables');

/**
 * The variable holds a secret (or a URL that may carry a password): a configuration error names
 * the variable and the rule but never prints the value that was given.
 */
export const Secret = (): PropertyDecorator => (target, property) => {
  const names: Set<string | symbol> = Reflect.getMetadata(SECRET_VARIABLES, target) ?? new Set();
  Reflect.defineMetadata(SECRET_VARIABLES, new Set([...names, property]), target);
};

/** Whether `@Secret()` marks the variable on the config class (or a class it extends). */
export function isSecretVariable(config: object, variable: string): boolean {
  const names: Set<string | symbol> | undefined = Reflect.getMetadata(SECRET_VARIABLES, Object.getPrototypeOf(config));
  return names?.has(variable) ?? false;
}

/** At least `bytes` bytes of UTF-8: a secret's strength is in bytes, not characters. */
export const MinBytes = (bytes: number) =>
  ValidateBy({
    name: 'minBytes',
    constraints: [bytes],
    validator: {
      validate: (value) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') >= bytes,
      defaultMessage: () => `must be at least ${bytes} bytes long (e.g. openssl rand -base64 48)`,
    },
  });

/**
 * Values this repository once shipped as defaults (and so are public): refused as secrets, in
 * production or not, however long they are.
 */
export const PUBLISHED_SECRETS = ['development-only-secret-change-me', 'development-only-cancellation-secret', 'admin-password'];

/** Not one of the PUBLISHED_SECRETS. */
export const NotAPublishedSecret = () =>
  IsNotIn(PUBLISHED_SECRETS, { message: 'must not be a value published in this repository; make your own' });
