import { BadRequestException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { InvalidInput, NotFound, TransitionRefused } from '@appointments/domain';
import { PoisonMessage } from './domain-event';
import { isPermanentFailure, toErrorShape } from './failure-policy';

describe('failure policy', () => {
  it.each<[string, unknown, boolean, string]>([
    ['an unreadable message', new PoisonMessage('message body is not JSON'), true, 'invalid_input'],
    ['a validation failure', new BadRequestException(['name must be a string']), true, 'invalid_input'],
    ['a missing entity', new NotFound('event', '42'), true, 'not_found'],
    ['invalid input', new InvalidInput('end: must be after start'), true, 'invalid_input'],
    [
      'a refused transition',
      new TransitionRefused('no', { bookingStatus: 'cancelled', notificationState: 'none', trigger: 'customer_responded' }),
      true,
      'transition_refused',
    ],
    ['an HTTP 404', new NotFoundException('gone'), true, 'not_found'],
    ['a database outage', Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }), false, 'internal'],
    ['a server error', new InternalServerErrorException('boom'), false, 'internal'],
    ['a thrown string', 'oops', false, 'internal'],
  ])('treats %s as permanent=%s with code %s', (_name, error, permanent, code) => {
    expect(isPermanentFailure(error)).toBe(permanent);
    expect(toErrorShape(error).code).toBe(code);
  });

  it('keeps the message and details of a domain error', () => {
    expect(toErrorShape(new InvalidInput('end: must be after start', { errors: ['end must be after start'] }))).toEqual({
      code: 'invalid_input',
      message: 'end: must be after start',
      details: { errors: ['end must be after start'] },
    });
  });
});
