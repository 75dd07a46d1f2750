import type { Channel, ChannelSkipReason, CustomerNotificationType } from '@appointments/domain';
import { CHANNEL_LABEL, NOTIFICATION_TYPE_LABEL } from '../../chatter/chatter-log';

/** The reminder a send is, as its chatter line tells it. */
export interface SentReminder {
  reminderId: string;
  /** How long before the start it was due, in minutes. */
  offsetMinutes: number;
  /** Fired after its due time because the system was down. */
  late: boolean;
}

/**
 * The chatter line of an accepted send. A staff member's reads "Alice sent the reminder to
 * Jane Doe by email (jane@example.com)"; a send by the system (no person behind it, such as
 * the reminder scheduler, shown as the author) reads "Reminder sent to Jane Doe by …". A
 * reminder says how long before the start it was due, and when it went out late.
 */
export function sentChatterBody(input: {
  actor: { id?: string; name: string };
  type: CustomerNotificationType;
  customerName: string;
  channels: { channel: Channel; address: string }[];
  skipped: { channel: Channel; reason: ChannelSkipReason; message: string }[];
  reminder?: SentReminder;
}): string {
  const { actor, type, customerName, reminder } = input;
  const label = NOTIFICATION_TYPE_LABEL[type];
  const channels = input.channels.map((n) => `${CHANNEL_LABEL[n.channel]} (${n.address})`).join(' and ');
  const who = actor.id ? `${actor.name} sent the ${label.toLowerCase()} to` : `${label} sent to`;
  return (
    `${who} ${customerName} by ${channels}` +
    (reminder ? `, ${leadTime(reminder.offsetMinutes)} before the start` : '') +
    (reminder?.late ? '; sent late: the system was down at its due time' : '') +
    (input.skipped.length ? `; skipped: ${input.skipped.map((s) => s.message).join('; ')}` : '')
  );
}

/** 1440 → "1 day", 90 → "90 minutes", 120 → "2 hours". */
export function leadTime(minutes: number): string {
  const [amount, unit] =
    minutes > 0 && minutes % 1440 === 0
      ? [minutes / 1440, 'day']
      : minutes > 0 && minutes % 60 === 0
        ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
