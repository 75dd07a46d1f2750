import { RemoteServiceError, ServiceTimeout, ServiceUnavailable } from '@appointments/messaging';
import { BadRequestException } from '@nestjs/common';
import { answerRefusal, readReason } from './landing.controller';
import { errorPageKind, LandingRefusal } from './landing-refusal.filter';

describe('errorPageKind: which page a failure gets', () => {
  const remote = (code: string, details?: Record<string, unknown>) =>
    new RemoteServiceError('inbound-response', { code, message: code, details } as never);

  it.each([
    ['an unknown token', remote('not_found'), 'not_found'],
    ['an expired token', remote('expired'), 'expired'],
    ['an answer the state machine refuses', remote('transition_refused', { bookingStatus: 'booked' }), 'not_answerable'],
    ['an answer to a cancelled event', remote('transition_refused', { bookingStatus: 'cancelled' }), 'cancelled'],
    ['a conflict', remote('conflict'), 'not_answerable'],
    ['invalid input', remote('invalid_input'), 'bad_form'],
    ['an internal failure of a service', remote('internal'), 'unavailable'],
    ['a service that is down', new ServiceUnavailable('scheduling', 'no queue'), 'unavailable'],
    ['a service that does not answer', new ServiceTimeout('scheduling', 5000), 'unavailable'],
    ['an unreadable body', new BadRequestException('bad body'), 'bad_form'],
    ['a bug', new TypeError('x is undefined'), 'unavailable'],
    ['a refusal of the gateway', new LandingRefusal('form_expired', 'no token'), 'form_expired'],
  ])('%s → %s', (_, error, kind) => {
    expect(errorPageKind(error)).toBe(kind);
  });
});

describe('readReason', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['  Running late  ', 'Running late'],
    ['line one\r\nline two', 'line one\nline two'],
    ['x'.repeat(1000), 'x'.repeat(1000)],
    ['x'.repeat(1001), false],
    [['a', 'b'], false],
  ])('%p → %p', (value, expected) => {
    expect(readReason(value as never)).toEqual(expected);
  });
});

describe('answerRefusal: which answers the landing page takes in each booking status', () => {
  it.each([
    ['invited', 'accept', null],
    ['confirmed', 'decline', null],
    ['declined', 'accept', null],
    ['rescheduling', 'accept', null],
    ['cancelled', 'accept', 'cancelled'],
    ['cancelled', 'reschedule', 'cancelled'],
    ['booked', 'accept', 'not_answerable'],
    ['draft', 'decline', 'not_answerable'],
  ])('%s + %s → %p', (bookingStatus, response, expected) => {
    expect(answerRefusal({ bookingStatus, attendeeStatus: 'needs_action', notificationState: 'in_sync' } as never, response as never)).toBe(
      expected,
    );
  });
});
