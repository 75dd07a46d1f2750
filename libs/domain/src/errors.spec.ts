import {
  Conflict,
  DOMAIN_ERROR_CODES,
  DOMAIN_ERROR_HTTP_STATUS,
  DomainError,
  InvalidInput,
  isDomainErrorShape,
  NoChannelAvailable,
  NotFound,
  SenderNotVerified,
  TransitionRefused,
} from './errors';

describe('domain errors', () => {
  const refusalDetails = { bookingStatus: 'cancelled', notificationState: 'none', trigger: 'cancellation_sent' } as const;

  // error | name | code | HTTP status
  it.each([
    [new TransitionRefused('The event is already cancelled', refusalDetails), 'TransitionRefused', 'transition_refused', 409],
    [new NotFound('event', '123'), 'NotFound', 'not_found', 404],
    [new InvalidInput('The title pattern uses {foo}'), 'InvalidInput', 'invalid_input', 400],
    [new NoChannelAvailable('Jane has no email address'), 'NoChannelAvailable', 'no_channel_available', 422],
    [new Conflict('The event was changed by someone else'), 'Conflict', 'conflict', 409],
    [new SenderNotVerified('me@unverified.test', ['example.com']), 'SenderNotVerified', 'sender_not_verified', 422],
  ] as const)('%s is a %s with code %s, answered with HTTP %s', (error, name, code, httpStatus) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(DOMAIN_ERROR_HTTP_STATUS[error.code]).toBe(httpStatus);
  });

  it('maps every code, and only those', () => {
    expect(Object.keys(DOMAIN_ERROR_HTTP_STATUS).sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
  });

  it('names what was not found', () => {
    const error = new NotFound('event', '123');
    expect(error.message).toBe('event 123 was not found');
    expect(error.details).toEqual({ entity: 'event', id: '123' });
  });

  it('keeps the details it was given, and none when given none', () => {
    expect(new TransitionRefused('refused', refusalDetails).details).toEqual(refusalDetails);
    expect(new InvalidInput('bad', { field: 'start' }).details).toEqual({ field: 'start' });
    expect(new Conflict('clash').details).toBeUndefined();
  });

  it('crosses a process boundary as JSON in the shape isDomainErrorShape recognises', () => {
    const received: unknown = JSON.parse(JSON.stringify(new NoChannelAvailable('No channel left', { skipped: 2 })));
    expect(received).toEqual({
      name: 'NoChannelAvailable',
      code: 'no_channel_available',
      message: 'No channel left',
      details: { skipped: 2 },
    });
    expect(isDomainErrorShape(received)).toBe(true);
  });

  it.each([
    ['a serialised error without details', { code: 'not_found', message: 'event 1 was not found' }, true],
    ['a serialised error with details', { code: 'conflict', message: 'x', details: { id: '1' } }, true],
    ['a live domain error', new Conflict('clash'), true],
    ['null', null, false],
    ['a string', 'not_found', false],
    ['a plain Error (no code)', new Error('boom'), false],
    ['an empty code', { code: '', message: 'x' }, false],
    ['a numeric code', { code: 404, message: 'x' }, false],
    ['no message', { code: 'not_found' }, false],
    ['details that are an array', { code: 'conflict', message: 'x', details: ['id'] }, false],
    ['details that are a string', { code: 'conflict', message: 'x', details: 'id' }, false],
  ])('isDomainErrorShape: %s → %s', (_label, candidate, expected) => {
    expect(isDomainErrorShape(candidate)).toBe(expected);
  });
});
