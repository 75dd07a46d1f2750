import type { NotificationRequestedPayload } from '@appointments/contracts';
import { composeNotification } from './notification-content';

/**
 * A reminder renders the event's local time, computed from the absolute start in the
 * event's time zone, whatever the server's zone and whatever DST change lies between the
 * reminder and the meeting. 2026-03-08 is the spring change in America/New_York (02:00 EST
 * becomes 03:00 EDT); the meeting is at 09:00 EDT the day after (13:00 UTC), and the
 * reminder 24 hours before goes out on the 8th at 09:00 EDT, after the change.
 */
function reminder(overrides: Partial<NotificationRequestedPayload> = {}): NotificationRequestedPayload {
  return {
    requestId: 'r1',
    type: 'reminder',
    configKey: 'day-before',
    requestedBy: { name: 'Reminder scheduler', email: null },
    notifications: [],
    skipped: [],
    recipient: { customerId: 'c1', name: 'Ann Lee', email: 'ann@example.com', phone: '+14155550100' },
    event: {
      id: 'e1',
      title: '[INVITED] Site visit with Ann',
      customerTitle: 'Your Appointment with Acme',
      start: '2026-03-09T13:00:00.000Z',
      end: '2026-03-09T14:00:00.000Z',
      timeZone: 'America/New_York',
      location: '123 Main St',
      videoUrl: null,
      description: null,
      organizer: { name: 'Olga', email: 'olga@example.com' },
      calendarSequence: 0,
    },
    config: {
      key: 'day-before',
      type: 'reminder',
      channelMode: 'both',
      emailSubject: 'Reminder: your appointment on {{date}} at {{time}}',
      emailBody: '<p>Hi {{customerName}}, see you at {{location}} on {{date}} at {{time}} ({{timeZone}}).</p>',
      smsBody: 'Reminder: your appointment on {{date}} at {{time}} at {{location}}.',
      buttons: { accept: true, decline: true, reschedule: false, viewDetails: false, addToCalendar: false },
    },
    sender: { name: 'Acme', email: 'appointments@example.com', imageUrl: null },
    dedupeKey: 'reminder:0b0c3a3e-8f5e-4d8a-9d1e-2f6c1c1b2a3d:1',
    ...overrides,
  };
}

describe('a reminder for the day after the spring DST change in America/New_York', () => {
  it('by email: the subject, body and calendar block say 9:00 AM local, with the buttons', () => {
    const composed = composeNotification(reminder(), 'email', 'https://example.com/m/token');
    expect(composed.subject).toBe('Reminder: your appointment on Monday, March 9, 2026 at 9:00 AM');
    expect(composed.html).toContain('see you at 123 Main St on Monday, March 9, 2026 at 9:00 AM (America/New_York)');
    expect(composed.text).toContain('9:00 AM');
    expect(composed.html).not.toMatch(/8:00 AM|10:00 AM|1:00 PM/);
    expect(composed.html).toContain('https://example.com/m/token?action=accept');
    expect(composed.html).toContain('https://example.com/m/token?action=decline');
  });

  it('by SMS: the text says 9:00 AM local, then the landing link', () => {
    const composed = composeNotification(reminder(), 'sms', 'https://example.com/m/token');
    expect(composed.smsBody).toMatch(
      /^Reminder: your appointment on Monday, March 9, 2026 at 9:00 AM at 123 Main St\.\nhttps:\/\/example\.com\/m\/token/,
    );
    expect(composed.smsSegments).toMatchObject({ encoding: 'GSM-7' });
  });

  it('the day before the change (still EST) is 9:00 AM local too: 14:00 UTC then, 13:00 UTC after', () => {
    const before = reminder({ event: { ...reminder().event, start: '2026-03-07T14:00:00.000Z', end: '2026-03-07T15:00:00.000Z' } });
    expect(composeNotification(before, 'sms', null).smsBody).toContain('Saturday, March 7, 2026 at 9:00 AM');
  });
});
