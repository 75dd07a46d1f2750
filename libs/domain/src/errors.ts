/**
 * Typed domain errors. Each has a stable `code` that the apps map to an HTTP status
 * (`DOMAIN_ERROR_HTTP_STATUS`, used by one exception filter per app) and that the messaging
 * lib maps to ack / retry / dead-letter. Callers branch on `code` or `instanceof`, never on
 * the message, which is a sentence meant for people.
 */
import type { BookingStatus, NotificationState } from './vocabulary';
import type { StatusTrigger } from './event-status';

export const DOMAIN_ERROR_CODES = [
  'transition_refused',
  'not_found',
  'invalid_input',
  'no_channel_available',
  'conflict',
  'sender_not_verified',
  'expired',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** What a domain error looks like as plain JSON (after crossing a process boundary). */
export interface DomainErrorShape {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details?: Record<string, unknown>;

  protected constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    if (details !== undefined) this.details = details;
  }

  /** `JSON.stringify` drops `Error#message`; this keeps code, message and details together. */
  toJSON(): DomainErrorShape & { name: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

export type TransitionRefusedDetails = {
  bookingStatus: BookingStatus;
  notificationState: NotificationState;
  trigger: StatusTrigger['kind'];
};

/** The state machine refused a trigger in the event's current status (HTTP 409). */
export class TransitionRefused extends DomainError {
  override readonly name = 'TransitionRefused';
  readonly code = 'transition_refused';
  declare readonly details: TransitionRefusedDetails;

  constructor(message: string, details: TransitionRefusedDetails) {
    super(message, details);
  }
}

/** An entity the caller named does not exist (HTTP 404). */
export class NotFound extends DomainError {
  override readonly name = 'NotFound';
  readonly code = 'not_found';
  declare readonly details: { entity: string; id: string };

  constructor(entity: string, id: string) {
    super(`${entity} ${id} was not found`, { entity, id });
  }
}

/** The input breaks a domain rule that validation of its shape cannot see (HTTP 400). */
export class InvalidInput extends DomainError {
  override readonly name = 'InvalidInput';
  readonly code = 'invalid_input';

  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details);
  }
}

/** No channel is left to reach the recipient: addresses missing or on the stop list (HTTP 422). */
export class NoChannelAvailable extends DomainError {
  override readonly name = 'NoChannelAvailable';
  readonly code = 'no_channel_available';

  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details);
  }
}

/** The request clashes with the current data, e.g. a duplicate or a concurrent change (HTTP 409). */
export class Conflict extends DomainError {
  override readonly name = 'Conflict';
  readonly code = 'conflict';

  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details);
  }
}

/**
 * The sender address of an email is not on a domain the operator verified with the email
 * provider (HTTP 422): sending would fail SPF/DKIM or be refused, so nothing is sent.
 */
export class SenderNotVerified extends DomainError {
  override readonly name = 'SenderNotVerified';
  readonly code = 'sender_not_verified';
  declare readonly details: { senderEmail: string; verifiedDomains: string[] };

  constructor(senderEmail: string, verifiedDomains: readonly string[]) {
    super(
      `The sender address ${senderEmail} is not on a verified sending domain (verified: ${verifiedDomains.join(', ') || 'none'}); ` +
        'change the sender in the settings or verify the domain with the email provider, then send again',
      { senderEmail, verifiedDomains: [...verifiedDomains] },
    );
  }
}

/** What the caller named existed but is no longer usable, e.g. an expired landing link (HTTP 410). */
export class Expired extends DomainError {
  override readonly name = 'Expired';
  readonly code = 'expired';

  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details);
  }
}

export const DOMAIN_ERROR_HTTP_STATUS: Record<string, number> = {
  transition_refused: 409,
  not_found: 404,
  invalid_input: 400,
  no_channel_available: 422,
  conflict: 409,
  sender_not_verified: 422,
  expired: 410,
} satisfies Record<DomainErrorCode, number>;

/**
 * True for anything shaped like a serialised domain error: `{ code, message, details? }`
 * with a non-empty string code, a string message and, if present, a plain-object details.
 */
export function isDomainErrorShape(x: unknown): x is DomainErrorShape {
  if (typeof x !== 'object' || x === null) return false;
  const candidate = x as Record<string, unknown>;
  if (typeof candidate.code !== 'string' || candidate.code.length === 0) return false;
  if (typeof candidate.message !== 'string') return false;
  const details = candidate.details;
  if (details === undefined) return true;
  return typeof details === 'object' && details !== null && !Array.isArray(details);
}
