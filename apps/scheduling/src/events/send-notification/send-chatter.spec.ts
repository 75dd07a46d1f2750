import { leadTime, sentChatterBody } from './send-chatter';

const STAFF = { id: '7d1f0d5e-1111-4c8e-9a55-3c1a3a0c0a01', name: 'Alice' };
const SYSTEM = { name: 'Reminder scheduler' };
const EMAIL = [{ channel: 'email' as const, address: 'jane@example.com' }];
const BOTH = [...EMAIL, { channel: 'sms' as const, address: '+14155550100' }];
const SMS_STOPPED = [{ channel: 'sms' as const, reason: 'opted_out' as const, message: 'SMS to +14155550100 skipped: on the stop list' }];

describe('the chatter line of a send', () => {
  it.each([
    [
      'staff, confirmation',
      STAFF,
      'confirmation',
      EMAIL,
      [],
      undefined,
      'Alice sent the confirmation to Jane Doe by email (jane@example.com)',
    ],
    [
      'staff, reminder by hand',
      STAFF,
      'reminder',
      BOTH,
      [],
      undefined,
      'Alice sent the reminder to Jane Doe by email (jane@example.com) and SMS (+14155550100)',
    ],
    [
      'system, reminder on time',
      SYSTEM,
      'reminder',
      EMAIL,
      [],
      { reminderId: 'r1', offsetMinutes: 1440, late: false },
      'Reminder sent to Jane Doe by email (jane@example.com), 1 day before the start',
    ],
    [
      'system, reminder late, a channel skipped',
      SYSTEM,
      'reminder',
      EMAIL,
      SMS_STOPPED,
      { reminderId: 'r1', offsetMinutes: 90, late: true },
      'Reminder sent to Jane Doe by email (jane@example.com), 90 minutes before the start; sent late: the system was down at its due time; skipped: SMS to +14155550100 skipped: on the stop list',
    ],
  ] as const)('%s', (_case, actor, type, channels, skipped, reminder, expected) => {
    expect(sentChatterBody({ actor, type, customerName: 'Jane Doe', channels: [...channels], skipped: [...skipped], reminder })).toBe(
      expected,
    );
  });

  it.each([
    [1, '1 minute'],
    [45, '45 minutes'],
    [60, '1 hour'],
    [120, '2 hours'],
    [90, '90 minutes'],
    [1440, '1 day'],
    [2880, '2 days'],
    [1500, '25 hours'],
  ])('a lead time of %i minutes reads "%s"', (minutes, words) => {
    expect(leadTime(minutes)).toBe(words);
  });
});
