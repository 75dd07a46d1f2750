import { raisesCalendarSequence, STATUS_EVENT_OF, triggerForNotification } from './notification-trigger';

const buttons = (accept: boolean, decline: boolean) => ({
  buttons: { accept, decline, reschedule: false, viewDetails: false, addToCalendar: false },
});

describe('the state-machine trigger of a sent notification', () => {
  it.each([
    ['confirmation', buttons(false, false), { kind: 'confirmation_sent' }, 'EventBooked'],
    ['rsvp_request', buttons(true, true), { kind: 'rsvp_request_sent' }, 'RsvpRequested'],
    ['reminder', buttons(true, false), { kind: 'reminder_sent', withButtons: true }, 'ReminderSent'],
    ['reminder', buttons(false, true), { kind: 'reminder_sent', withButtons: true }, 'ReminderSent'],
    ['reminder', buttons(false, false), { kind: 'reminder_sent', withButtons: false }, 'ReminderSent'],
    ['update', buttons(false, false), { kind: 'update_sent' }, 'UpdateSent'],
    ['cancellation', buttons(false, false), { kind: 'cancellation_sent' }, 'EventCancelled'],
  ] as const)('%s with %j is %j and announced as %s', (type, config, trigger, event) => {
    expect(triggerForNotification(type, config)).toEqual(trigger);
    expect(STATUS_EVENT_OF[type]).toBe(event);
  });

  it.each([
    ['update', 'booked', true],
    ['cancellation', 'confirmed', true],
    ['confirmation', 'cancelled', true],
    ['confirmation', 'draft', false],
    ['rsvp_request', 'booked', false],
    ['reminder', 'invited', false],
  ] as const)('a %s sent while %s raises the calendar sequence: %s', (type, previous, expected) => {
    expect(raisesCalendarSequence(type, previous)).toBe(expected);
  });
});
