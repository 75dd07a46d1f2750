import { ConflictException, UnprocessableEntityException } from '@nestjs/common';
import { answerForUsedKey, IN_PROGRESS_LEASE_MS, keepsAnswer, StoredIdempotencyKey } from './idempotency-policy';

describe('answerForUsedKey: a request whose key was already used', () => {
  const now = new Date('2027-01-15T12:00:00Z');
  const request = { route: 'POST /api/customers', fingerprint: 'f1' };
  const done: StoredIdempotencyKey = {
    ...request,
    startedAt: new Date(now.getTime() - 5000),
    response: { status: 201, body: { id: 'c1' } },
  };

  it('replays the first answer when the route and request are the same', () => {
    expect(answerForUsedKey(done, request, now)).toEqual({ kind: 'replay', status: 201, body: { id: 'c1' } });
  });

  it('replays a kept refusal (4xx) as it was', () => {
    const refused = { ...done, response: { status: 409, body: { statusCode: 409, error: 'transition_refused', message: 'no' } } };
    expect(answerForUsedKey(refused, request, now)).toEqual({ kind: 'replay', ...refused.response });
  });

  it.each([
    ['with another body', { ...request, fingerprint: 'f2' }, 'first used with another body'],
    ['on another route', { ...request, route: 'POST /api/events' }, 'first used for POST /api/customers'],
    ['on another route with another body', { route: 'POST /api/events', fingerprint: 'f2' }, 'first used for POST /api/customers'],
  ])('is 422 %s, finished or not', (_, other, message) => {
    for (const stored of [done, { ...done, response: null }]) {
      const answer = answerForUsedKey(stored, other, now);
      expect(answer.kind).toBe('refuse');
      if (answer.kind !== 'refuse') return;
      expect(answer.error).toBeInstanceOf(UnprocessableEntityException);
      expect(answer.error.message).toContain(message);
      expect(answer.error.getResponse()).toMatchObject({ error: 'idempotency_key_reused' });
    }
  });

  it('is 409 "still in progress" while the first request runs', () => {
    const running = { ...done, startedAt: new Date(now.getTime() - IN_PROGRESS_LEASE_MS + 1000), response: null };
    const answer = answerForUsedKey(running, request, now);
    expect(answer.kind === 'refuse' && answer.error).toBeInstanceOf(ConflictException);
    expect(answer.kind === 'refuse' && answer.error.getResponse()).toMatchObject({
      error: 'idempotency_key_in_progress',
      message: 'A request with this Idempotency-Key is still in progress; try again shortly',
    });
  });

  it('is 409 "outcome unknown" once the first request has run longer than any request can (its gateway stopped)', () => {
    const abandoned = { ...done, startedAt: new Date(now.getTime() - IN_PROGRESS_LEASE_MS - 1), response: null };
    const answer = answerForUsedKey(abandoned, request, now);
    expect(answer.kind === 'refuse' && answer.error).toBeInstanceOf(ConflictException);
    expect(answer.kind === 'refuse' && answer.error.getResponse()).toMatchObject({ error: 'idempotency_outcome_unknown' });
  });
});

describe('keepsAnswer: whether a first answer is kept for the key or the key released', () => {
  it.each([
    [200, true],
    [201, true],
    [202, true],
    [400, true],
    [404, true],
    [409, true],
    [422, true],
    [504, true],
    [500, false],
    [502, false],
    [503, false],
  ])('%i: %p', (status, kept) => {
    expect(keepsAnswer(status)).toBe(kept);
  });
});
