/**
 * The event's state machine: the "Transitions" table of `shared/design/domain.md`.
 *
 * An event carries three independent fields (booking status, attendee status, notification
 * state). A trigger is a fact that just happened or is about to be recorded (a notification
 * was sent, the customer answered, a significant field changed). `decideTransition` says
 * whether the trigger is allowed in the current status and what the status becomes; it never
 * mutates its input and does no I/O.
 */
import { InvalidInput, TransitionRefused } from './errors';
import { RESPONSE_TYPES } from './vocabulary';
import type { AttendeeStatus, BookingStatus, NotificationState, ResponseType } from './vocabulary';

export interface EventStatus {
  bookingStatus: BookingStatus;
  attendeeStatus: AttendeeStatus;
  notificationState: NotificationState;
}

export const INITIAL_EVENT_STATUS: EventStatus = Object.freeze({
  bookingStatus: 'draft',
  attendeeStatus: 'needs_action',
  notificationState: 'none',
}) as EventStatus;

export type StatusTrigger =
  | { kind: 'confirmation_sent' }
  | { kind: 'rsvp_request_sent' }
  | { kind: 'reminder_sent'; withButtons: boolean }
  | { kind: 'customer_responded'; response: ResponseType }
  | { kind: 'significant_field_changed' }
  | { kind: 'update_sent' }
  | { kind: 'cancellation_sent' };

export type StatusTriggerKind = StatusTrigger['kind'];

export const STATUS_TRIGGER_KINDS: readonly StatusTriggerKind[] = Object.freeze([
  'confirmation_sent',
  'rsvp_request_sent',
  'reminder_sent',
  'customer_responded',
  'significant_field_changed',
  'update_sent',
  'cancellation_sent',
] as const);

export type StatusDecision = { allowed: true; next: EventStatus; changed: boolean } | { allowed: false; refusal: TransitionRefused };

/** Every concrete trigger: reminders with and without buttons, one per response type. */
export function allTriggers(): StatusTrigger[] {
  return [
    { kind: 'confirmation_sent' },
    { kind: 'rsvp_request_sent' },
    { kind: 'reminder_sent', withButtons: true },
    { kind: 'reminder_sent', withButtons: false },
    ...RESPONSE_TYPES.map((response): StatusTrigger => ({ kind: 'customer_responded', response })),
    { kind: 'significant_field_changed' },
    { kind: 'update_sent' },
    { kind: 'cancellation_sent' },
  ];
}

/** How a refusal message names the booking status ("…; it is booked"). */
const BOOKING_STATUS_IN_WORDS: Record<BookingStatus, string> = {
  draft: 'a draft',
  booked: 'booked',
  invited: "awaiting the customer's answer",
  confirmed: 'confirmed',
  declined: 'declined',
  rescheduling: 'being rescheduled',
  cancelled: 'cancelled',
};

/** Booking statuses in which the customer has been asked to answer and may still do so. */
const ANSWERABLE: readonly BookingStatus[] = ['invited', 'confirmed', 'declined', 'rescheduling'];

export function decideTransition(current: EventStatus, trigger: StatusTrigger): StatusDecision {
  const { bookingStatus, notificationState } = current;
  const allow = (change: Partial<EventStatus>): StatusDecision => {
    const next: EventStatus = { ...pickStatus(current), ...change };
    return { allowed: true, next, changed: !sameStatus(current, next) };
  };
  const refuse = (message: string): StatusDecision => ({
    allowed: false,
    refusal: new TransitionRefused(message, { bookingStatus, notificationState, trigger: trigger.kind }),
  });

  switch (trigger.kind) {
    case 'confirmation_sent':
      if (bookingStatus === 'draft' || bookingStatus === 'cancelled') {
        return allow({ bookingStatus: 'booked', notificationState: 'in_sync' });
      }
      return refuse(
        `A confirmation can only be sent while the event is draft or cancelled; it is ${BOOKING_STATUS_IN_WORDS[bookingStatus]}`,
      );

    case 'rsvp_request_sent':
      if (bookingStatus === 'cancelled') {
        return refuse('The event is cancelled; send a confirmation to book it again before requesting an RSVP');
      }
      return allow({ bookingStatus: 'invited', attendeeStatus: 'needs_action', notificationState: 'in_sync' });

    case 'reminder_sent':
      if (bookingStatus === 'draft') {
        return refuse('The event is still a draft; send a confirmation or an RSVP request before any reminder');
      }
      if (bookingStatus === 'cancelled') {
        return refuse('The event is cancelled; no reminder can be sent for it');
      }
      return trigger.withButtons ? allow({ bookingStatus: 'invited', attendeeStatus: 'needs_action' }) : allow({});

    case 'customer_responded':
      if (bookingStatus === 'cancelled') {
        return refuse('The event is cancelled; it can no longer be answered');
      }
      if (bookingStatus === 'draft') {
        return refuse('The event is still a draft; the customer has not been asked to answer yet');
      }
      if (!ANSWERABLE.includes(bookingStatus)) {
        return refuse(
          `The customer has not been asked to answer: the event is ${BOOKING_STATUS_IN_WORDS[bookingStatus]}, and only an RSVP request or a reminder with buttons asks for an answer`,
        );
      }
      switch (trigger.response) {
        case 'accept':
          return allow({ bookingStatus: 'confirmed', attendeeStatus: 'accepted' });
        case 'decline':
          return allow({ bookingStatus: 'declined', attendeeStatus: 'declined' });
        case 'reschedule':
          return allow({ bookingStatus: 'rescheduling' });
        default:
          return unknownTriggerValue('response type', trigger.response);
      }

    case 'significant_field_changed':
      // Never refused: saving a change is always allowed; it only marks an update as due when
      // the customer holds notifications about the event that are now out of date.
      if (bookingStatus !== 'draft' && bookingStatus !== 'cancelled' && notificationState === 'in_sync') {
        return allow({ notificationState: 'update_due' });
      }
      return allow({});

    case 'update_sent':
      // A cancelled event's calendar entry is gone: an update would put it back.
      if (bookingStatus === 'cancelled')
        return refuse('The event is cancelled: there is nothing to update (a confirmation books it again)');
      if (notificationState === 'update_due') return allow({ notificationState: 'in_sync' });
      if (notificationState === 'none') return refuse('Nothing to update: no notification has been sent yet');
      return refuse("Nothing to update: the customer's notifications are in sync with the event");

    case 'cancellation_sent':
      if (bookingStatus === 'cancelled') return refuse('The event is already cancelled');
      // The cancellation is the last word the customer has: nothing is left to update.
      return allow({ bookingStatus: 'cancelled', notificationState: 'in_sync' });

    default:
      return unknownTriggerValue('status trigger', trigger);
  }
}

/** Like `decideTransition`, but returns the next status or throws the `TransitionRefused`. */
export function applyTransition(current: EventStatus, trigger: StatusTrigger): EventStatus {
  const decision = decideTransition(current, trigger);
  if (!decision.allowed) throw decision.refusal;
  return decision.next;
}

function pickStatus(status: EventStatus): EventStatus {
  return {
    bookingStatus: status.bookingStatus,
    attendeeStatus: status.attendeeStatus,
    notificationState: status.notificationState,
  };
}

function sameStatus(a: EventStatus, b: EventStatus): boolean {
  return a.bookingStatus === b.bookingStatus && a.attendeeStatus === b.attendeeStatus && a.notificationState === b.notificationState;
}

/** Reached only by values that bypassed the types (e.g. a message from another service). */
function unknownTriggerValue(what: string, value: never): never {
  throw new InvalidInput(`Unknown ${what}: ${JSON.stringify(value)}`, { value });
}
