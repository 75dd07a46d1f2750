import type { BookingStatus, ResponseType } from '@appointments/domain';
import {
  decideResponseEffect,
  followersToNotify,
  inboundMessageChatterBody,
  normaliseReason,
  refusedChatterBody,
  ResponseState,
  responseChatterBody,
} from './response-effect';

const state = (overrides: Partial<ResponseState> = {}): ResponseState => ({
  bookingStatus: 'invited',
  attendeeStatus: 'needs_action',
  notificationState: 'in_sync',
  declineReason: null,
  rescheduleReason: null,
  ...overrides,
});

describe('decideResponseEffect: what a customer response does to the event', () => {
  // before | response | reason | booking after | attendee after | declineReason | rescheduleReason
  it.each<[BookingStatus, ResponseType, string | null, BookingStatus, string, string | null, string | null]>([
    ['invited', 'accept', null, 'confirmed', 'accepted', null, null],
    ['invited', 'decline', 'Too far', 'declined', 'declined', 'Too far', null],
    ['invited', 'decline', null, 'declined', 'declined', null, null],
    ['invited', 'reschedule', 'Monday?', 'rescheduling', 'needs_action', null, 'Monday?'],
    ['confirmed', 'decline', 'Sick', 'declined', 'declined', 'Sick', null],
    ['declined', 'accept', null, 'confirmed', 'accepted', null, null],
    ['rescheduling', 'accept', null, 'confirmed', 'accepted', null, null],
    ['confirmed', 'reschedule', null, 'rescheduling', 'accepted', null, null],
  ])(
    '%s + %s (reason %p) → %s, attendee %s, reasons %p / %p',
    (before, response, reason, booking, attendee, declineReason, rescheduleReason) => {
      const attendeeBefore = before === 'confirmed' ? 'accepted' : before === 'declined' ? 'declined' : 'needs_action';
      const effect = decideResponseEffect(state({ bookingStatus: before, attendeeStatus: attendeeBefore }), response, reason);
      expect(effect).toMatchObject({
        kind: 'applied',
        next: { bookingStatus: booking, attendeeStatus: attendee, declineReason, rescheduleReason },
      });
    },
  );

  it.each<[BookingStatus, RegExp]>([
    ['cancelled', /cancelled/],
    ['draft', /draft/],
    ['booked', /has not been asked/],
  ])('refuses any response while the event is %s', (bookingStatus, message) => {
    for (const response of ['accept', 'decline', 'reschedule'] as const) {
      const effect = decideResponseEffect(state({ bookingStatus }), response, 'why');
      expect(effect.kind).toBe('refused');
      expect(effect.kind === 'refused' && effect.message).toMatch(message);
    }
  });

  it.each<[string, Partial<ResponseState>, ResponseType, string | null]>([
    ['accept again (double click)', { bookingStatus: 'confirmed', attendeeStatus: 'accepted' }, 'accept', null],
    [
      'decline again with the same reason',
      { bookingStatus: 'declined', attendeeStatus: 'declined', declineReason: 'Too far' },
      'decline',
      'Too far',
    ],
    [
      'decline again, same reason with spaces',
      { bookingStatus: 'declined', attendeeStatus: 'declined', declineReason: 'Too far' },
      'decline',
      '  Too far ',
    ],
    ['reschedule again without a reason', { bookingStatus: 'rescheduling', attendeeStatus: 'needs_action' }, 'reschedule', ''],
  ])('changes nothing: %s', (_name, current, response, reason) => {
    expect(decideResponseEffect(state(current), response, reason).kind).toBe('unchanged');
  });

  it.each<[string, Partial<ResponseState>, ResponseType, string | null, Partial<ResponseState>]>([
    [
      'decline again with another reason',
      { bookingStatus: 'declined', attendeeStatus: 'declined', declineReason: 'Too far' },
      'decline',
      'Ill',
      { declineReason: 'Ill' },
    ],
    [
      'decline again without the reason given before',
      { bookingStatus: 'declined', attendeeStatus: 'declined', declineReason: 'Too far' },
      'decline',
      null,
      { declineReason: null },
    ],
    [
      'accept after a reschedule request clears its reason',
      { bookingStatus: 'rescheduling', rescheduleReason: 'Monday?' },
      'accept',
      null,
      { rescheduleReason: null, bookingStatus: 'confirmed' },
    ],
    [
      'decline after a reschedule request clears the reschedule reason',
      { bookingStatus: 'rescheduling', rescheduleReason: 'Monday?' },
      'decline',
      'No',
      { rescheduleReason: null, declineReason: 'No' },
    ],
  ])('applies: %s', (_name, current, response, reason, expected) => {
    const effect = decideResponseEffect(state(current), response, reason);
    expect(effect).toMatchObject({ kind: 'applied', next: expected });
  });

  it('says whether the status moved (a new reason alone is a change, not a status change)', () => {
    expect(decideResponseEffect(state(), 'accept', null)).toMatchObject({ statusChanged: true });
    const reasonOnly = decideResponseEffect(
      state({ bookingStatus: 'declined', attendeeStatus: 'declined', declineReason: 'a' }),
      'decline',
      'b',
    );
    expect(reasonOnly).toMatchObject({ kind: 'applied', statusChanged: false });
  });
});

describe('normaliseReason', () => {
  it.each([
    [null, null],
    [undefined, null],
    ['', null],
    ['   ', null],
    ['  Too far  ', 'Too far'],
    ['x'.repeat(1200), 'x'.repeat(1000)],
  ])('%p → %p', (given, expected) => expect(normaliseReason(given)).toBe(expected));
});

describe('followersToNotify', () => {
  const organizer = { id: 'u1', name: 'Olga Organizer', email: 'olga@example.com' };
  const salesperson = { name: 'Sam Sales', email: 'sam@example.com' };
  const all = { autoFollowOrganizer: true, notifyOnAccept: true, notifyOnDecline: true, notifyOnReschedule: true };
  const both = { ...all, autoFollowSalesperson: true };

  // follower settings | response | the event's salesperson | who is told
  it.each<[string, Record<string, boolean> | null, ResponseType, typeof salesperson | null, string[]]>([
    ['no follower settings', null, 'accept', salesperson, []],
    ['accept with notifyOnAccept', all, 'accept', null, ['olga@example.com']],
    ['decline with notifyOnDecline', all, 'decline', null, ['olga@example.com']],
    ['reschedule with notifyOnReschedule', all, 'reschedule', null, ['olga@example.com']],
    [
      'reschedule with only accept/decline on',
      { autoFollowOrganizer: true, notifyOnAccept: true, notifyOnDecline: true },
      'reschedule',
      null,
      [],
    ],
    ['toggle on but nobody follows', { notifyOnAccept: true }, 'accept', salesperson, []],
    [
      'salesperson only, the event has one',
      { autoFollowSalesperson: true, notifyOnAccept: true },
      'accept',
      salesperson,
      ['sam@example.com'],
    ],
    ['salesperson only, the event has none', { autoFollowSalesperson: true, notifyOnAccept: true }, 'accept', null, []],
    ['organizer and salesperson, organizer first', both, 'decline', salesperson, ['olga@example.com', 'sam@example.com']],
    ['a salesperson the template does not follow', all, 'accept', salesperson, ['olga@example.com']],
  ])('%s → %p', (_name, followers, response, eventSalesperson, emails) => {
    expect(followersToNotify(followers, response, { organizer, salesperson: eventSalesperson }).map((f) => f.email)).toEqual(emails);
  });

  it('notifies a person once even when organizer and salesperson, and never one without an email', () => {
    const settings = { ...all, autoFollowSalesperson: true };
    expect(followersToNotify(settings, 'accept', { organizer, salesperson: { name: 'Same', email: 'OLGA@example.com' } })).toHaveLength(1);
    expect(followersToNotify(settings, 'accept', { organizer: { name: 'No mail', email: null } })).toEqual([]);
  });
});

describe('chatter texts', () => {
  it.each<[ResponseType, string, string | null, string]>([
    ['accept', 'email_link', null, 'Customer accepted the meeting (Ann Lee, by email link)'],
    ['decline', 'sms_link', 'Too far', 'Customer declined the meeting (Ann Lee, by SMS link). Reason: "Too far"'],
    ['reschedule', 'sms_reply', null, 'Customer asked to reschedule (Ann Lee, by SMS reply)'],
  ])('%s by %s', (response, channel, reason, body) => {
    expect(responseChatterBody('Ann Lee', response, channel as never, reason)).toBe(body);
  });

  it('says a refused response was refused, and why', () => {
    expect(refusedChatterBody('Ann Lee', 'accept', 'email_link', 'The event is cancelled; it can no longer be answered')).toBe(
      'Customer response refused: Ann Lee tried to accept the meeting by email link. The event is cancelled; it can no longer be answered',
    );
  });

  it.each([
    ['message', 'Ok thanks ', 'Customer wrote by SMS: Ok thanks'],
    ['no_open_notification', 'Hello?', 'Customer wrote by SMS: Hello?'],
    ['opt_out', 'STOP', 'Customer opted out of SMS (texted "STOP")'],
    ['opt_in', 'START', 'Customer opted in to SMS again (texted "START")'],
    ['help', 'HELP', 'Customer asked for help by SMS (texted "HELP")'],
  ] as const)('inbound %s "%s"', (kind, body, line) => {
    expect(inboundMessageChatterBody({ kind, body })).toBe(line);
  });
});
