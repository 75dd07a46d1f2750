import fc from 'fast-check';
import { TransitionRefused } from './errors';
import {
  allTriggers,
  applyTransition,
  decideTransition,
  INITIAL_EVENT_STATUS,
  STATUS_TRIGGER_KINDS,
  type EventStatus,
  type StatusTrigger,
} from './event-status';
import {
  ATTENDEE_STATUSES,
  BOOKING_STATUSES,
  NOTIFICATION_STATES,
  type AttendeeStatus,
  type BookingStatus,
  type NotificationState,
} from './vocabulary';

/** The triggers of domain.md's table, by the words the table uses. */
const TRIGGERS = {
  'confirmation sent': { kind: 'confirmation_sent' },
  'RSVP request sent': { kind: 'rsvp_request_sent' },
  'reminder sent with buttons': { kind: 'reminder_sent', withButtons: true },
  'reminder sent without buttons': { kind: 'reminder_sent', withButtons: false },
  'customer accepts': { kind: 'customer_responded', response: 'accept' },
  'customer declines': { kind: 'customer_responded', response: 'decline' },
  'customer requests reschedule': { kind: 'customer_responded', response: 'reschedule' },
  'significant field changes': { kind: 'significant_field_changed' },
  'update sent': { kind: 'update_sent' },
  'cancellation sent': { kind: 'cancellation_sent' },
} satisfies Record<string, StatusTrigger>;
type TriggerName = keyof typeof TRIGGERS;

type Expected =
  | { allowed: true; booking: BookingStatus | '='; attendee: AttendeeStatus | '='; notification: NotificationState | '=' }
  | { allowed: false; messageIncludes: string };
/** Allowed; `'='` means "unchanged". */
const to = (booking: BookingStatus | '=', attendee: AttendeeStatus | '=', notification: NotificationState | '='): Expected => ({
  allowed: true,
  booking,
  attendee,
  notification,
});
/** Refused with a message that includes these words. */
const refused = (messageIncludes: string): Expected => ({ allowed: false, messageIncludes });

type Row = [BookingStatus, NotificationState, TriggerName, Expected];

/**
 * Every booking status × notification state × trigger, written out. Each row runs once for
 * every attendee status, so "=" (unchanged) is checked against all of them.
 */
// prettier-ignore
const TRANSITIONS: Row[] = [
  // booking before | notification before | trigger       | after: booking, attendee, notification (or refused, with words of the message)

  // ── confirmation sent ──
  ['draft',        'none',       'confirmation sent',             to('booked', '=', 'in_sync')],
  ['draft',        'in_sync',    'confirmation sent',             to('booked', '=', 'in_sync')],
  ['draft',        'update_due', 'confirmation sent',             to('booked', '=', 'in_sync')],
  ['booked',       'none',       'confirmation sent',             refused('it is booked')],
  ['booked',       'in_sync',    'confirmation sent',             refused('it is booked')],
  ['booked',       'update_due', 'confirmation sent',             refused('it is booked')],
  ['invited',      'none',       'confirmation sent',             refused("it is awaiting the customer's answer")],
  ['invited',      'in_sync',    'confirmation sent',             refused("it is awaiting the customer's answer")],
  ['invited',      'update_due', 'confirmation sent',             refused("it is awaiting the customer's answer")],
  ['confirmed',    'none',       'confirmation sent',             refused('it is confirmed')],
  ['confirmed',    'in_sync',    'confirmation sent',             refused('it is confirmed')],
  ['confirmed',    'update_due', 'confirmation sent',             refused('it is confirmed')],
  ['declined',     'none',       'confirmation sent',             refused('it is declined')],
  ['declined',     'in_sync',    'confirmation sent',             refused('it is declined')],
  ['declined',     'update_due', 'confirmation sent',             refused('it is declined')],
  ['rescheduling', 'none',       'confirmation sent',             refused('it is being rescheduled')],
  ['rescheduling', 'in_sync',    'confirmation sent',             refused('it is being rescheduled')],
  ['rescheduling', 'update_due', 'confirmation sent',             refused('it is being rescheduled')],
  ['cancelled',    'none',       'confirmation sent',             to('booked', '=', 'in_sync')],
  ['cancelled',    'in_sync',    'confirmation sent',             to('booked', '=', 'in_sync')],
  ['cancelled',    'update_due', 'confirmation sent',             to('booked', '=', 'in_sync')],

  // ── RSVP request sent ──
  ['draft',        'none',       'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['draft',        'in_sync',    'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['draft',        'update_due', 'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['booked',       'none',       'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['booked',       'in_sync',    'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['booked',       'update_due', 'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['invited',      'none',       'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['invited',      'in_sync',    'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['invited',      'update_due', 'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['confirmed',    'none',       'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['confirmed',    'in_sync',    'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['confirmed',    'update_due', 'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['declined',     'none',       'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['declined',     'in_sync',    'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['declined',     'update_due', 'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['rescheduling', 'none',       'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['rescheduling', 'in_sync',    'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['rescheduling', 'update_due', 'RSVP request sent',             to('invited', 'needs_action', 'in_sync')],
  ['cancelled',    'none',       'RSVP request sent',             refused('The event is cancelled')],
  ['cancelled',    'in_sync',    'RSVP request sent',             refused('The event is cancelled')],
  ['cancelled',    'update_due', 'RSVP request sent',             refused('The event is cancelled')],

  // ── reminder sent with buttons ──
  ['draft',        'none',       'reminder sent with buttons',    refused('still a draft')],
  ['draft',        'in_sync',    'reminder sent with buttons',    refused('still a draft')],
  ['draft',        'update_due', 'reminder sent with buttons',    refused('still a draft')],
  ['booked',       'none',       'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['booked',       'in_sync',    'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['booked',       'update_due', 'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['invited',      'none',       'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['invited',      'in_sync',    'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['invited',      'update_due', 'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['confirmed',    'none',       'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['confirmed',    'in_sync',    'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['confirmed',    'update_due', 'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['declined',     'none',       'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['declined',     'in_sync',    'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['declined',     'update_due', 'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['rescheduling', 'none',       'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['rescheduling', 'in_sync',    'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['rescheduling', 'update_due', 'reminder sent with buttons',    to('invited', 'needs_action', '=')],
  ['cancelled',    'none',       'reminder sent with buttons',    refused('The event is cancelled')],
  ['cancelled',    'in_sync',    'reminder sent with buttons',    refused('The event is cancelled')],
  ['cancelled',    'update_due', 'reminder sent with buttons',    refused('The event is cancelled')],

  // ── reminder sent without buttons ──
  ['draft',        'none',       'reminder sent without buttons', refused('still a draft')],
  ['draft',        'in_sync',    'reminder sent without buttons', refused('still a draft')],
  ['draft',        'update_due', 'reminder sent without buttons', refused('still a draft')],
  ['booked',       'none',       'reminder sent without buttons', to('=', '=', '=')],
  ['booked',       'in_sync',    'reminder sent without buttons', to('=', '=', '=')],
  ['booked',       'update_due', 'reminder sent without buttons', to('=', '=', '=')],
  ['invited',      'none',       'reminder sent without buttons', to('=', '=', '=')],
  ['invited',      'in_sync',    'reminder sent without buttons', to('=', '=', '=')],
  ['invited',      'update_due', 'reminder sent without buttons', to('=', '=', '=')],
  ['confirmed',    'none',       'reminder sent without buttons', to('=', '=', '=')],
  ['confirmed',    'in_sync',    'reminder sent without buttons', to('=', '=', '=')],
  ['confirmed',    'update_due', 'reminder sent without buttons', to('=', '=', '=')],
  ['declined',     'none',       'reminder sent without buttons', to('=', '=', '=')],
  ['declined',     'in_sync',    'reminder sent without buttons', to('=', '=', '=')],
  ['declined',     'update_due', 'reminder sent without buttons', to('=', '=', '=')],
  ['rescheduling', 'none',       'reminder sent without buttons', to('=', '=', '=')],
  ['rescheduling', 'in_sync',    'reminder sent without buttons', to('=', '=', '=')],
  ['rescheduling', 'update_due', 'reminder sent without buttons', to('=', '=', '=')],
  ['cancelled',    'none',       'reminder sent without buttons', refused('The event is cancelled')],
  ['cancelled',    'in_sync',    'reminder sent without buttons', refused('The event is cancelled')],
  ['cancelled',    'update_due', 'reminder sent without buttons', refused('The event is cancelled')],

  // ── customer accepts ──
  ['draft',        'none',       'customer accepts',              refused('still a draft')],
  ['draft',        'in_sync',    'customer accepts',              refused('still a draft')],
  ['draft',        'update_due', 'customer accepts',              refused('still a draft')],
  ['booked',       'none',       'customer accepts',              refused('has not been asked to answer')],
  ['booked',       'in_sync',    'customer accepts',              refused('has not been asked to answer')],
  ['booked',       'update_due', 'customer accepts',              refused('has not been asked to answer')],
  ['invited',      'none',       'customer accepts',              to('confirmed', 'accepted', '=')],
  ['invited',      'in_sync',    'customer accepts',              to('confirmed', 'accepted', '=')],
  ['invited',      'update_due', 'customer accepts',              to('confirmed', 'accepted', '=')],
  ['confirmed',    'none',       'customer accepts',              to('confirmed', 'accepted', '=')],
  ['confirmed',    'in_sync',    'customer accepts',              to('confirmed', 'accepted', '=')],
  ['confirmed',    'update_due', 'customer accepts',              to('confirmed', 'accepted', '=')],
  ['declined',     'none',       'customer accepts',              to('confirmed', 'accepted', '=')],
  ['declined',     'in_sync',    'customer accepts',              to('confirmed', 'accepted', '=')],
  ['declined',     'update_due', 'customer accepts',              to('confirmed', 'accepted', '=')],
  ['rescheduling', 'none',       'customer accepts',              to('confirmed', 'accepted', '=')],
  ['rescheduling', 'in_sync',    'customer accepts',              to('confirmed', 'accepted', '=')],
  ['rescheduling', 'update_due', 'customer accepts',              to('confirmed', 'accepted', '=')],
  ['cancelled',    'none',       'customer accepts',              refused('it can no longer be answered')],
  ['cancelled',    'in_sync',    'customer accepts',              refused('it can no longer be answered')],
  ['cancelled',    'update_due', 'customer accepts',              refused('it can no longer be answered')],

  // ── customer declines ──
  ['draft',        'none',       'customer declines',             refused('still a draft')],
  ['draft',        'in_sync',    'customer declines',             refused('still a draft')],
  ['draft',        'update_due', 'customer declines',             refused('still a draft')],
  ['booked',       'none',       'customer declines',             refused('has not been asked to answer')],
  ['booked',       'in_sync',    'customer declines',             refused('has not been asked to answer')],
  ['booked',       'update_due', 'customer declines',             refused('has not been asked to answer')],
  ['invited',      'none',       'customer declines',             to('declined', 'declined', '=')],
  ['invited',      'in_sync',    'customer declines',             to('declined', 'declined', '=')],
  ['invited',      'update_due', 'customer declines',             to('declined', 'declined', '=')],
  ['confirmed',    'none',       'customer declines',             to('declined', 'declined', '=')],
  ['confirmed',    'in_sync',    'customer declines',             to('declined', 'declined', '=')],
  ['confirmed',    'update_due', 'customer declines',             to('declined', 'declined', '=')],
  ['declined',     'none',       'customer declines',             to('declined', 'declined', '=')],
  ['declined',     'in_sync',    'customer declines',             to('declined', 'declined', '=')],
  ['declined',     'update_due', 'customer declines',             to('declined', 'declined', '=')],
  ['rescheduling', 'none',       'customer declines',             to('declined', 'declined', '=')],
  ['rescheduling', 'in_sync',    'customer declines',             to('declined', 'declined', '=')],
  ['rescheduling', 'update_due', 'customer declines',             to('declined', 'declined', '=')],
  ['cancelled',    'none',       'customer declines',             refused('it can no longer be answered')],
  ['cancelled',    'in_sync',    'customer declines',             refused('it can no longer be answered')],
  ['cancelled',    'update_due', 'customer declines',             refused('it can no longer be answered')],

  // ── customer requests reschedule ──
  ['draft',        'none',       'customer requests reschedule',  refused('still a draft')],
  ['draft',        'in_sync',    'customer requests reschedule',  refused('still a draft')],
  ['draft',        'update_due', 'customer requests reschedule',  refused('still a draft')],
  ['booked',       'none',       'customer requests reschedule',  refused('has not been asked to answer')],
  ['booked',       'in_sync',    'customer requests reschedule',  refused('has not been asked to answer')],
  ['booked',       'update_due', 'customer requests reschedule',  refused('has not been asked to answer')],
  ['invited',      'none',       'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['invited',      'in_sync',    'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['invited',      'update_due', 'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['confirmed',    'none',       'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['confirmed',    'in_sync',    'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['confirmed',    'update_due', 'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['declined',     'none',       'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['declined',     'in_sync',    'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['declined',     'update_due', 'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['rescheduling', 'none',       'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['rescheduling', 'in_sync',    'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['rescheduling', 'update_due', 'customer requests reschedule',  to('rescheduling', '=', '=')],
  ['cancelled',    'none',       'customer requests reschedule',  refused('it can no longer be answered')],
  ['cancelled',    'in_sync',    'customer requests reschedule',  refused('it can no longer be answered')],
  ['cancelled',    'update_due', 'customer requests reschedule',  refused('it can no longer be answered')],

  // ── significant field changes ──
  ['draft',        'none',       'significant field changes',     to('=', '=', '=')],
  ['draft',        'in_sync',    'significant field changes',     to('=', '=', '=')],
  ['draft',        'update_due', 'significant field changes',     to('=', '=', '=')],
  ['booked',       'none',       'significant field changes',     to('=', '=', '=')],
  ['booked',       'in_sync',    'significant field changes',     to('=', '=', 'update_due')],
  ['booked',       'update_due', 'significant field changes',     to('=', '=', '=')],
  ['invited',      'none',       'significant field changes',     to('=', '=', '=')],
  ['invited',      'in_sync',    'significant field changes',     to('=', '=', 'update_due')],
  ['invited',      'update_due', 'significant field changes',     to('=', '=', '=')],
  ['confirmed',    'none',       'significant field changes',     to('=', '=', '=')],
  ['confirmed',    'in_sync',    'significant field changes',     to('=', '=', 'update_due')],
  ['confirmed',    'update_due', 'significant field changes',     to('=', '=', '=')],
  ['declined',     'none',       'significant field changes',     to('=', '=', '=')],
  ['declined',     'in_sync',    'significant field changes',     to('=', '=', 'update_due')],
  ['declined',     'update_due', 'significant field changes',     to('=', '=', '=')],
  ['rescheduling', 'none',       'significant field changes',     to('=', '=', '=')],
  ['rescheduling', 'in_sync',    'significant field changes',     to('=', '=', 'update_due')],
  ['rescheduling', 'update_due', 'significant field changes',     to('=', '=', '=')],
  ['cancelled',    'none',       'significant field changes',     to('=', '=', '=')],
  ['cancelled',    'in_sync',    'significant field changes',     to('=', '=', '=')],
  ['cancelled',    'update_due', 'significant field changes',     to('=', '=', '=')],

  // ── update sent ──
  ['draft',        'none',       'update sent',                   refused('no notification has been sent yet')],
  ['draft',        'in_sync',    'update sent',                   refused('in sync with the event')],
  ['draft',        'update_due', 'update sent',                   to('=', '=', 'in_sync')],
  ['booked',       'none',       'update sent',                   refused('no notification has been sent yet')],
  ['booked',       'in_sync',    'update sent',                   refused('in sync with the event')],
  ['booked',       'update_due', 'update sent',                   to('=', '=', 'in_sync')],
  ['invited',      'none',       'update sent',                   refused('no notification has been sent yet')],
  ['invited',      'in_sync',    'update sent',                   refused('in sync with the event')],
  ['invited',      'update_due', 'update sent',                   to('=', '=', 'in_sync')],
  ['confirmed',    'none',       'update sent',                   refused('no notification has been sent yet')],
  ['confirmed',    'in_sync',    'update sent',                   refused('in sync with the event')],
  ['confirmed',    'update_due', 'update sent',                   to('=', '=', 'in_sync')],
  ['declined',     'none',       'update sent',                   refused('no notification has been sent yet')],
  ['declined',     'in_sync',    'update sent',                   refused('in sync with the event')],
  ['declined',     'update_due', 'update sent',                   to('=', '=', 'in_sync')],
  ['rescheduling', 'none',       'update sent',                   refused('no notification has been sent yet')],
  ['rescheduling', 'in_sync',    'update sent',                   refused('in sync with the event')],
  ['rescheduling', 'update_due', 'update sent',                   to('=', '=', 'in_sync')],
  ['cancelled',    'none',       'update sent',                   refused('The event is cancelled')],
  ['cancelled',    'in_sync',    'update sent',                   refused('The event is cancelled')],
  ['cancelled',    'update_due', 'update sent',                   refused('The event is cancelled')],

  // ── cancellation sent ──
  ['draft',        'none',       'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['draft',        'in_sync',    'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['draft',        'update_due', 'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['booked',       'none',       'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['booked',       'in_sync',    'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['booked',       'update_due', 'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['invited',      'none',       'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['invited',      'in_sync',    'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['invited',      'update_due', 'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['confirmed',    'none',       'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['confirmed',    'in_sync',    'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['confirmed',    'update_due', 'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['declined',     'none',       'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['declined',     'in_sync',    'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['declined',     'update_due', 'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['rescheduling', 'none',       'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['rescheduling', 'in_sync',    'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['rescheduling', 'update_due', 'cancellation sent',             to('cancelled', '=', 'in_sync')],
  ['cancelled',    'none',       'cancellation sent',             refused('already cancelled')],
  ['cancelled',    'in_sync',    'cancellation sent',             refused('already cancelled')],
  ['cancelled',    'update_due', 'cancellation sent',             refused('already cancelled')],
];

const describeExpected = (e: Expected): string =>
  e.allowed ? `${e.booking} / ${e.attendee} / ${e.notification}` : `refused ("${e.messageIncludes}")`;

describe('event status transitions (domain.md "Transitions")', () => {
  it('the table covers every booking status × notification state × trigger exactly once', () => {
    const keys = TRANSITIONS.map(([booking, notification, trigger]) => `${booking}|${notification}|${trigger}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(BOOKING_STATUSES.length * NOTIFICATION_STATES.length * allTriggers().length);
    for (const booking of BOOKING_STATUSES) {
      for (const notification of NOTIFICATION_STATES) {
        for (const trigger of Object.keys(TRIGGERS)) {
          expect(keys).toContain(`${booking}|${notification}|${trigger}`);
        }
      }
    }
  });

  it('the table names every concrete trigger the library knows, and allTriggers() lists every kind', () => {
    expect(allTriggers()).toEqual(expect.arrayContaining(Object.values(TRIGGERS)));
    expect(allTriggers()).toHaveLength(Object.keys(TRIGGERS).length);
    expect(new Set(allTriggers().map((t) => t.kind))).toEqual(new Set(STATUS_TRIGGER_KINDS));
  });

  describe.each(TRANSITIONS)('%s, notification state %s: %s', (booking, notification, triggerName, expected) => {
    const trigger: StatusTrigger = TRIGGERS[triggerName];

    it.each(ATTENDEE_STATUSES.map((a) => [a]))(`attendee %s → ${describeExpected(expected)}`, (attendee) => {
      const before: EventStatus = Object.freeze({
        bookingStatus: booking,
        attendeeStatus: attendee,
        notificationState: notification,
      });
      const decision = decideTransition(before, trigger);

      if (expected.allowed) {
        const after: EventStatus = {
          bookingStatus: expected.booking === '=' ? booking : expected.booking,
          attendeeStatus: expected.attendee === '=' ? attendee : expected.attendee,
          notificationState: expected.notification === '=' ? notification : expected.notification,
        };
        const changed = after.bookingStatus !== booking || after.attendeeStatus !== attendee || after.notificationState !== notification;
        expect(decision).toEqual({ allowed: true, next: after, changed });
        expect(applyTransition(before, trigger)).toEqual(after);
      } else {
        expect(decision.allowed).toBe(false);
        if (decision.allowed) return;
        const refusal = decision.refusal;
        expect(refusal).toBeInstanceOf(TransitionRefused);
        expect(refusal.code).toBe('transition_refused');
        expect(refusal.message).toContain(expected.messageIncludes);
        expect(refusal.details).toEqual({
          bookingStatus: booking,
          notificationState: notification,
          trigger: trigger.kind,
        });
        expect(() => applyTransition(before, trigger)).toThrow(refusal.message);
      }
    });
  });
});

describe('event status transitions, in words', () => {
  const status = (
    bookingStatus: BookingStatus,
    notificationState: NotificationState,
    attendeeStatus: AttendeeStatus = 'needs_action',
  ): EventStatus => ({ bookingStatus, attendeeStatus, notificationState });
  const refusalOf = (current: EventStatus, trigger: StatusTrigger): TransitionRefused => {
    const decision = decideTransition(current, trigger);
    if (decision.allowed) throw new Error(`expected a refusal, got ${JSON.stringify(decision.next)}`);
    return decision.refusal;
  };

  it('a new event is a draft, awaiting action, with nothing sent', () => {
    expect(INITIAL_EVENT_STATUS).toEqual({ bookingStatus: 'draft', attendeeStatus: 'needs_action', notificationState: 'none' });
  });

  it('refuses a second confirmation and says what the event is', () => {
    expect(refusalOf(status('booked', 'in_sync'), TRIGGERS['confirmation sent']).message).toBe(
      'A confirmation can only be sent while the event is draft or cancelled; it is booked',
    );
  });

  it('refuses an answer to a cancelled event', () => {
    const refusal = refusalOf(status('cancelled', 'in_sync'), TRIGGERS['customer accepts']);
    expect(refusal.message).toBe('The event is cancelled; it can no longer be answered');
    expect(refusal.details).toEqual({ bookingStatus: 'cancelled', notificationState: 'in_sync', trigger: 'customer_responded' });
  });

  it('refuses an update while in sync', () => {
    expect(refusalOf(status('confirmed', 'in_sync'), TRIGGERS['update sent']).message).toBe(
      "Nothing to update: the customer's notifications are in sync with the event",
    );
  });

  it('refuses an update before anything was sent', () => {
    expect(refusalOf(status('draft', 'none'), TRIGGERS['update sent']).message).toBe(
      'Nothing to update: no notification has been sent yet',
    );
  });

  it('a reschedule request keeps the attendee status and changes no date (only the booking status)', () => {
    expect(applyTransition(status('confirmed', 'in_sync', 'accepted'), TRIGGERS['customer requests reschedule'])).toEqual(
      status('rescheduling', 'in_sync', 'accepted'),
    );
  });

  it('a significant change is never refused, and marks an update due only when notifications are in sync', () => {
    expect(decideTransition(status('invited', 'in_sync'), TRIGGERS['significant field changes'])).toEqual({
      allowed: true,
      next: status('invited', 'update_due'),
      changed: true,
    });
    expect(decideTransition(status('draft', 'none'), TRIGGERS['significant field changes'])).toEqual({
      allowed: true,
      next: status('draft', 'none'),
      changed: false,
    });
  });

  it('a confirmation books a cancelled event again', () => {
    const cancelled = applyTransition(status('confirmed', 'in_sync', 'accepted'), TRIGGERS['cancellation sent']);
    expect(cancelled.bookingStatus).toBe('cancelled');
    expect(applyTransition(cancelled, TRIGGERS['confirmation sent']).bookingStatus).toBe('booked');
  });

  it('the refusal survives JSON with its code, message and details', () => {
    const refusal = refusalOf(status('cancelled', 'none'), TRIGGERS['cancellation sent']);
    expect(JSON.parse(JSON.stringify(refusal))).toEqual({
      name: 'TransitionRefused',
      code: 'transition_refused',
      message: 'The event is already cancelled',
      details: { bookingStatus: 'cancelled', notificationState: 'none', trigger: 'cancellation_sent' },
    });
  });

  it('rejects a trigger of unknown kind (e.g. from another service) as invalid input', () => {
    const bogus = { kind: 'teleported' } as unknown as StatusTrigger;
    expect(() => decideTransition(INITIAL_EVENT_STATUS, bogus)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('event status properties', () => {
  const anyTrigger = fc.constantFrom(...allTriggers());
  const anyStatus = fc.record({
    bookingStatus: fc.constantFrom(...BOOKING_STATUSES),
    attendeeStatus: fc.constantFrom(...ATTENDEE_STATUSES),
    notificationState: fc.constantFrom(...NOTIFICATION_STATES),
  });

  it('any sequence of triggers from a new event reaches only statuses of the vocabulary; refusals change nothing', () => {
    fc.assert(
      fc.property(fc.array(anyTrigger, { maxLength: 60 }), (triggers) => {
        let current: EventStatus = INITIAL_EVENT_STATUS;
        for (const trigger of triggers) {
          const before = Object.freeze({ ...current });
          const decision = decideTransition(before, trigger);
          if (decision.allowed) {
            expect(Object.keys(decision.next).sort()).toEqual(['attendeeStatus', 'bookingStatus', 'notificationState']);
            expect(BOOKING_STATUSES).toContain(decision.next.bookingStatus);
            expect(ATTENDEE_STATUSES).toContain(decision.next.attendeeStatus);
            expect(NOTIFICATION_STATES).toContain(decision.next.notificationState);
            expect(decision.changed).toBe(
              decision.next.bookingStatus !== before.bookingStatus ||
                decision.next.attendeeStatus !== before.attendeeStatus ||
                decision.next.notificationState !== before.notificationState,
            );
            current = decision.next;
          } else {
            expect(decision.refusal).toBeInstanceOf(TransitionRefused);
            expect(() => applyTransition(before, trigger)).toThrow(TransitionRefused);
            expect(current).toEqual(before);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a refusal leaves any status untouched', () => {
    fc.assert(
      fc.property(anyStatus, anyTrigger, (status, trigger) => {
        const snapshot = { ...status };
        const decision = decideTransition(Object.freeze(status), trigger);
        fc.pre(!decision.allowed);
        expect(status).toEqual(snapshot);
        expect(() => applyTransition(status, trigger)).toThrow(TransitionRefused);
        expect(status).toEqual(snapshot);
      }),
      { numRuns: 500 },
    );
  });

  it('cancelled is left only by a confirmation (an RSVP request is refused while cancelled)', () => {
    let exits = 0;
    fc.assert(
      fc.property(fc.array(anyTrigger, { maxLength: 60 }), (triggers) => {
        let current: EventStatus = INITIAL_EVENT_STATUS;
        for (const trigger of triggers) {
          const decision = decideTransition(current, trigger);
          if (!decision.allowed) continue;
          if (current.bookingStatus === 'cancelled' && decision.next.bookingStatus !== 'cancelled') {
            exits += 1;
            expect(['confirmation_sent', 'rsvp_request_sent']).toContain(trigger.kind);
            expect(trigger.kind).toBe('confirmation_sent');
          }
          current = decision.next;
        }
      }),
      { numRuns: 500 },
    );
    expect(exits).toBeGreaterThan(0); // the property was exercised, not vacuously true
  });

  it('once left, draft is never reached again', () => {
    fc.assert(
      fc.property(fc.array(anyTrigger, { maxLength: 60 }), (triggers) => {
        let current: EventStatus = INITIAL_EVENT_STATUS;
        let leftDraft = false;
        for (const trigger of triggers) {
          current = decideTransition(current, trigger).allowed ? applyTransition(current, trigger) : current;
          if (current.bookingStatus !== 'draft') leftDraft = true;
          if (leftDraft) expect(current.bookingStatus).not.toBe('draft');
        }
      }),
      { numRuns: 300 },
    );
  });
});
