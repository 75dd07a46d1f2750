/**
 * Which channels a customer notification goes out on: the "Channel selection" table of
 * `shared/design/domain.md`. A channel whose address is missing or on the stop list is
 * skipped, with a reason code and a sentence for the console and the chatter.
 */
import { InvalidInput } from './errors';
import { CHANNEL_MODES, CONFIRMATION_METHODS } from './vocabulary';
import type { Channel, ChannelMode, ConfirmationMethod } from './vocabulary';

export interface Recipient {
  name: string;
  email?: string | null;
  /** Mobile phone number in E.164. */
  phone?: string | null;
  /** None set means email. */
  preferredConfirmationMethod?: ConfirmationMethod | null;
}

export const CHANNEL_SKIP_REASONS = ['no_email_address', 'no_phone_number', 'opted_out'] as const;
export type ChannelSkipReason = (typeof CHANNEL_SKIP_REASONS)[number];

export interface ChannelSelection {
  channels: { channel: Channel; address: string }[];
  skipped: { channel: Channel; reason: ChannelSkipReason; message: string }[];
}

/** The channels a mode asks for, in sending order, before addresses and the stop list are checked. */
export function channelsForMode(mode: ChannelMode, preferred?: ConfirmationMethod | null): Channel[] {
  switch (mode) {
    case 'follow_preference':
      if (preferred === undefined || preferred === null) return ['email'];
      if (!CONFIRMATION_METHODS.includes(preferred)) {
        throw new InvalidInput(`Unknown preferred confirmation method: ${JSON.stringify(preferred)}`, {
          preferredConfirmationMethod: preferred,
        });
      }
      return [preferred];
    case 'email':
      return ['email'];
    case 'sms':
      return ['sms'];
    case 'both':
      return ['email', 'sms'];
    default:
      throw new InvalidInput(`Unknown channel mode: ${JSON.stringify(mode)}; expected one of ${CHANNEL_MODES.join(', ')}`, {
        mode: mode as unknown,
      });
  }
}

export function selectChannels(
  mode: ChannelMode,
  recipient: Recipient,
  isOptedOut: (channel: Channel, address: string) => boolean = () => false,
): ChannelSelection {
  const selection: ChannelSelection = { channels: [], skipped: [] };
  const who = recipient.name?.trim() || 'The customer';

  for (const channel of channelsForMode(mode, recipient.preferredConfirmationMethod)) {
    const address = (channel === 'email' ? recipient.email : recipient.phone)?.trim();
    if (!address) {
      selection.skipped.push(
        channel === 'email'
          ? { channel, reason: 'no_email_address', message: `${who} has no email address, so no email was sent` }
          : { channel, reason: 'no_phone_number', message: `${who} has no mobile phone number, so no SMS was sent` },
      );
    } else if (isOptedOut(channel, address)) {
      const what = channel === 'email' ? 'email' : 'SMS';
      selection.skipped.push({
        channel,
        reason: 'opted_out',
        message: `${who} opted out of ${what} (${address} is on the stop list), so no ${what} was sent`,
      });
    } else {
      selection.channels.push({ channel, address });
    }
  }
  return selection;
}
