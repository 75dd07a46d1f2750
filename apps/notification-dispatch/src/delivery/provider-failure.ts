/**
 * How a provider call failed, in the terms delivery needs: may a retry succeed, and may the
 * provider have taken the message although we got no answer. Shared by every adapter.
 */

/**
 * A provider refused or could not take a message. `transient`: a retry may succeed (rate
 * limit, outage, network); otherwise it will not (bad address, bad request, credentials).
 * `outcomeUnknown`: the request may have reached the provider (a timeout, a connection cut
 * mid-request), so resending could deliver it twice; delivery waits for the provider's
 * own report instead of resending.
 */
export class ProviderSendError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly providerCode?: string | number,
    readonly httpStatus?: number,
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = 'ProviderSendError';
  }
}

/** Connection failures that happen before a request is sent: the provider certainly has nothing. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Node/axios error codes for a connection that failed or took too long. */
const NETWORK_ERROR_CODES = new Set([
  ...NOT_SENT_CODES,
  'ECONNABORTED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ERR_NETWORK',
  'ERR_CANCELED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const NETWORK_ERROR_MESSAGE = /socket hang up|aborted|timeout|timed out/i;

/**
 * A network failure or timeout as a transient `ProviderSendError` (the outcome unknown
 * unless the connection was never made); null when `error` is not one.
 */
export function networkFailure(provider: string, error: unknown): ProviderSendError | null {
  const code = stringProperty(error, 'code');
  const message = stringProperty(error, 'message') ?? String(error);
  if (!isAxiosError(error) && !(code !== undefined && NETWORK_ERROR_CODES.has(code)) && !NETWORK_ERROR_MESSAGE.test(message)) return null;
  const neverSent = code !== undefined && NOT_SENT_CODES.has(code);
  return new ProviderSendError(`${provider} could not be reached: ${message}`, true, code, undefined, !neverSent);
}

export function isAxiosError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

export function numberProperty(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === 'number' && Number.isFinite(property) ? property : undefined;
}

export function stringProperty(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === 'string' && property !== '' ? property : undefined;
}
