import type { NotificationConfig, NotificationRequestedPayload, Sender } from '@appointments/contracts';

/** The event a reminder request of these tests is about, starting at `start` (an hour long). */
export function reminderEvent(eventId: string, start: string): NotificationRequestedPayload['event'] {
  return {
    id: eventId,
    title: '[BOOKED] Site visit with Jane Doe',
    customerTitle: 'Your Appointment with Acme',
    start,
    end: new Date(Date.parse(start) + 3_600_000).toISOString(),
    timeZone: 'America/New_York',
    location: '123 Main St',
    videoUrl: null,
    description: null,
    organizer: { name: 'Olga' },
    calendarSequence: 0,
  };
}

/** The reminder config of these tests: email and SMS, accept and decline buttons, reply codes when asked. */
export function reminderConfig(options: { replyCodes?: boolean } = {}): NotificationConfig {
  return {
    key: 'day-before',
    type: 'reminder',
    channelMode: 'both',
    emailSubject: 'Reminder: your appointment on {{date}} at {{time}}',
    emailBody: '<p>See you on {{date}} at {{time}}.</p>',
    smsBody: 'Reminder: your appointment on {{date}} at {{time}}.',
    buttons: { accept: true, decline: true, reschedule: false, viewDetails: false, addToCalendar: false },
    ...(options.replyCodes ? { replyCodes: { enabled: true } } : {}),
  };
}

export const REMINDER_SENDER: Sender = { name: 'Acme', email: 'appointments@example.com', imageUrl: null };
