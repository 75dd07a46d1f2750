import { IsE164Phone, NormalisePhone } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { ClassConstructor, plainToInstance, Transform } from 'class-transformer';
import { IsEmail, MaxLength, validateSync } from 'class-validator';

interface Address {
  address: string;
}

/** The same rule as a customer's phone: parsed, written in E.164 (`+14155550100`), refused unless valid. */
class SmsAddress implements Address {
  @NormalisePhone() @IsE164Phone() address: string;
}

class EmailAddress implements Address {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(254)
  address: string;
}

const RULE: Record<Channel, ClassConstructor<Address>> = { sms: SmsAddress, email: EmailAddress };

/**
 * An address in the one form the stop list keeps it, so that every way onto or off the list
 * (staff, an SMS keyword, an email reply) names the same entry: an E.164 phone for `sms`, a
 * trimmed lower-case email for `email`. Null when it is not a valid address for the channel.
 */
export function normaliseStopListAddress(channel: Channel, address: string): string | null {
  const candidate = plainToInstance(RULE[channel], { address });
  return validateSync(candidate).length === 0 ? candidate.address : null;
}

/** What a person is told when `normaliseStopListAddress` refuses an address. */
export const STOP_LIST_ADDRESS_RULE: Record<Channel, string> = {
  sms: 'address must be a valid mobile phone number in international E.164 form, e.g. +14155550100',
  email: 'address must be a valid email address',
};
