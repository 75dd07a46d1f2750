import { ErrorShape } from './failure-policy';

/** The service that should answer is not running (its request queue is gone) or the broker is unreachable. */
export class ServiceUnavailable extends Error {
  readonly code = 'service_unavailable';
  constructor(
    readonly service: string,
    reason: string,
  ) {
    super(`${service} is unavailable: ${reason}`);
    this.name = 'ServiceUnavailable';
  }
}

/** The service did not answer in time. */
export class ServiceTimeout extends Error {
  readonly code = 'service_timeout';
  constructor(
    readonly service: string,
    timeoutMs: number,
  ) {
    super(`${service} did not answer within ${timeoutMs} ms`);
    this.name = 'ServiceTimeout';
  }
}

/** The service answered with an error (a domain refusal, invalid input, or an internal failure). */
export class RemoteServiceError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly service: string,
    shape: ErrorShape,
  ) {
    super(shape.message);
    this.name = 'RemoteServiceError';
    this.code = shape.code;
    this.details = shape.details;
  }
}
