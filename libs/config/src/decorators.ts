import { Transform } from 'class-transformer';

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
    Array.isArray(value) ? value : String(value).split(',').map((part) => Number(part.trim())),
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
