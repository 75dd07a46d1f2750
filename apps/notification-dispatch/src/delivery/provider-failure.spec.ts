import { networkFailure } from './provider-failure';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('networkFailure', () => {
  // error | transient network failure? | may the provider have the message?
  it.each([
    ['connection refused', socketError('ECONNREFUSED', 'connect ECONNREFUSED 1.2.3.4:443'), true, false],
    ['unknown host', socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.example'), true, false],
    ['DNS hiccup', socketError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN'), true, false],
    ['connection reset mid-request', socketError('ECONNRESET', 'socket hang up'), true, true],
    ['request timed out', socketError('ECONNABORTED', 'timeout of 10000ms exceeded'), true, true],
    ['an axios error without a code', Object.assign(new Error('Network Error'), { isAxiosError: true }), true, true],
    ['a message that says timeout', new Error('Request timed out'), true, true],
  ])('%s is transient, outcome unknown: %s/%s', (_, error, transient, outcomeUnknown) => {
    const failure = networkFailure('Acme', error);
    expect(failure).not.toBeNull();
    expect(failure!.transient).toBe(transient);
    expect(failure!.outcomeUnknown).toBe(outcomeUnknown);
    expect(failure!.message).toMatch(/^Acme could not be reached: /);
  });

  it.each([
    ['an HTTP refusal', Object.assign(new Error('Bad Request'), { status: 400 })],
    ['a programming error', new TypeError('cannot read x of undefined')],
  ])('is null for %s', (_, error) => {
    expect(networkFailure('Acme', error)).toBeNull();
  });
});
