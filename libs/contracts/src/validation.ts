import { Transform } from 'class-transformer';
import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DateTime, IANAZone } from 'luxon';

/**
 * The shape of an E.164 number: `+`, a country code that does not start with 0, at most 15
 * digits in all. The one home of the shape; `IsE164Phone` also asks libphonenumber whether
 * the number can exist.
 */
const E164_SHAPE = /^\+[1-9]\d{1,14}$/;

/** Whether `value` has the E.164 shape (not whether the number exists: `IsE164Phone`). */
export function hasE164Shape(value: unknown): value is string {
  return typeof value === 'string' && E164_SHAPE.test(value);
}

/** Turns "+1 (415) 555-0100" into "+14155550100"; leaves anything unparseable as is for the validator to refuse. */
export const NormalisePhone = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const parsed = parsePhoneNumberFromString(value.trim());
    return parsed?.isValid() ? parsed.number : value;
  });

export function IsE164Phone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isE164Phone',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a valid mobile phone number in international E.164 form, e.g. +14155550100`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => hasE164Shape(value) && Boolean(parsePhoneNumberFromString(value)?.isValid()),
      },
    });
}

const knownTimeZones = new Set<string>(['UTC']);

/** Whether the runtime knows the zone; each zone is checked once (luxon builds an Intl formatter per check). */
export function isIanaTimeZone(value: string): boolean {
  if (knownTimeZones.has(value)) return true;
  if (!value.includes('/') || !IANAZone.isValidZone(value)) return false;
  if (knownTimeZones.size < 1000) knownTimeZones.add(value);
  return true;
}

export function IsIanaTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone name, e.g. America/New_York`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isIanaTimeZone(value) },
    });
}

/** An ISO-8601 instant with an explicit offset or Z ("2026-01-15T14:00:00-05:00"), so no server zone is assumed. */
export function IsInstantWithOffset(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstantWithOffset',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an ISO-8601 date-time with an offset, e.g. 2026-01-15T14:00:00-05:00`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /(Z|[+-]\d{2}:?\d{2})$/.test(value) && DateTime.fromISO(value, { setZone: true }).isValid,
      },
    });
}

/** Trims strings; turns "" into undefined for optional fields. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/**
 * For an optional field that may be cleared (a PATCH body's, or `imageUrl` of the sender): its
 * other rules apply only when it is given and not null (null clears it, leaving it out keeps it).
 */
export const IfGivenNotNull = () => ValidateIf((_, value) => value !== null && value !== undefined);
