import type { Channel } from '@appointments/domain';
import { isEmail } from 'class-validator';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** The longest email address SMTP carries (RFC 5321: 254 characters in a path). */
const MAX_EMAIL_LENGTH = 254;

/**
 * An address in the one form the stop list keeps it, so that every way onto or off the list
 * (staff, an SMS keyword, an email reply) and every check of it (a send choosing its channels)
 * names the same entry: an E.164 phone for `sms` (the same rule as a customer's phone), a
 * trimmed lower-case email for `email`. Null when it is not a valid address for the channel.
 * The one home of the rule: inbound-response (which keeps the list) and scheduling (which
 * keeps a copy) both call it.
 */
export function normaliseStopListAddress(channel: Channel, address: string): string | null {
  if (channel === 'sms') {
    const parsed = parsePhoneNumberFromString(address.trim());
    return parsed?.isValid() ? parsed.number : null;
  }
  const email = address.trim().toLowerCase();
  return email.length <= MAX_EMAIL_LENGTH && isEmail(email) ? email : null;
}

/** What a person is told when `normaliseStopListAddress` refuses an address. */
export const STOP_LIST_ADDRESS_RULE: Record<Channel, string> = {
  sms: 'address must be a valid mobile phone number in international E.164 form, e.g. +14155550100',
  email: 'address must be a valid email address',
};
