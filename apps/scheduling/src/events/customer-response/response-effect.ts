import type {
  CustomerRespondedPayload,
  FollowersDto,
  InboundMessageReceivedPayload,
  PersonRef,
  ResponseChannel,
} from '@appointments/contracts';
import { MAX_RESPONSE_REASON_LENGTH } from '@appointments/contracts';
import { AttendeeStatus, BookingStatus, decideTransition, NotificationState, ResponseType } from '@appointments/domain';

/**
 * What a customer response does to an event, decided without I/O: the state machine's
 * answer, the reasons, whether anything changes at all, who is told and what is replied.
 * `ApplyCustomerResponse` asks it once per response.
 */

/** The fields of an event a response may change. */
export interface ResponseState {
  bookingStatus: BookingStatus;
  attendeeStatus: AttendeeStatus;
  notificationState: NotificationState;
  declineReason: string | null;
  rescheduleReason: string | null;
}

export type ResponseEffect =
  /** The state machine said no (cancelled, draft, never asked): nothing changes. */
  | { kind: 'refused'; message: string }
  /** Allowed, but the event already says exactly this (a double click, SMS and link with the same answer). */
  | { kind: 'unchanged'; next: ResponseState }
  /** Allowed and something changes; `reason` is the one this answer gave (a decline's or a reschedule's), as recorded. */
  | { kind: 'applied'; next: ResponseState; statusChanged: boolean; reason: string | null };

/**
 * The reasons describe the customer's current answer: a decline sets `declineReason` to the
 * reason given (null when none) and clears `rescheduleReason`; a reschedule request does the
 * reverse; an accept clears both. Earlier reasons stay in the chatter.
 */
export function decideResponseEffect(current: ResponseState, response: ResponseType, reason: string | null | undefined): ResponseEffect {
  const decision = decideTransition(current, { kind: 'customer_responded', response });
  if (!decision.allowed) return { kind: 'refused', message: decision.refusal.message };
  const given = normaliseReason(reason);
  const next: ResponseState = {
    ...decision.next,
    declineReason: response === 'decline' ? given : null,
    rescheduleReason: response === 'reschedule' ? given : null,
  };
  const same =
    next.bookingStatus === current.bookingStatus &&
    next.attendeeStatus === current.attendeeStatus &&
    next.notificationState === current.notificationState &&
    next.declineReason === current.declineReason &&
    next.rescheduleReason === current.rescheduleReason;
  if (same) return { kind: 'unchanged', next };
  return { kind: 'applied', next, statusChanged: decision.changed, reason: response === 'accept' ? null : given };
}

/** The auto-reply of an SMS reply code: its text, when the code has one and the number that texted is known; else null. */
export function autoReplyTo(response: Pick<CustomerRespondedPayload, 'autoReply' | 'from'>): string | null {
  const text = response.autoReply?.trim();
  return text && response.from ? text : null;
}

/** Trimmed, blank as none, at most `MAX_RESPONSE_REASON_LENGTH` characters. */
export function normaliseReason(reason: string | null | undefined): string | null {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  return trimmed ? trimmed.slice(0, MAX_RESPONSE_REASON_LENGTH) : null;
}

const TOGGLE_OF: Record<ResponseType, keyof FollowersDto> = {
  accept: 'notifyOnAccept',
  decline: 'notifyOnDecline',
  reschedule: 'notifyOnReschedule',
};

/**
 * Who gets an internal email about this response: nobody unless the template's toggle for
 * the response is on; then the auto-followers (the organizer, the event's salesperson when it
 * has one) with an email address, once each.
 */
export function followersToNotify(
  followers: FollowersDto | null | undefined,
  response: ResponseType,
  people: { organizer: PersonRef | null; salesperson?: PersonRef | null },
): (PersonRef & { email: string })[] {
  if (!followers?.[TOGGLE_OF[response]]) return [];
  const candidates = [
    ...(followers.autoFollowOrganizer ? [people.organizer] : []),
    ...(followers.autoFollowSalesperson ? [people.salesperson] : []),
  ];
  const seen = new Set<string>();
  const result: (PersonRef & { email: string })[] = [];
  for (const person of candidates) {
    const email = person?.email?.trim();
    if (!person || !email || seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    result.push({ ...person, email });
  }
  return result;
}

export const RESPONSE_CHANNEL_WORDS: Record<ResponseChannel, string> = {
  email_link: 'email link',
  sms_link: 'SMS link',
  sms_reply: 'SMS reply',
};

const RESPONSE_WORDS: Record<ResponseType, string> = {
  accept: 'accepted the meeting',
  decline: 'declined the meeting',
  reschedule: 'asked to reschedule',
};

const ATTEMPT_WORDS: Record<ResponseType, string> = {
  accept: 'accept the meeting',
  decline: 'decline the meeting',
  reschedule: 'ask to reschedule',
};

/** "Customer accepted the meeting (Ann Lee, by SMS reply)" / "… declined the meeting (…). Reason: "…"". */
export function responseChatterBody(customerName: string, response: ResponseType, channel: ResponseChannel, reason: string | null): string {
  const who = `${customerName}, by ${RESPONSE_CHANNEL_WORDS[channel] ?? channel}`;
  return `Customer ${RESPONSE_WORDS[response]} (${who})` + (reason ? `. Reason: "${reason}"` : '');
}

/** "Customer response refused: Ann Lee tried to accept the meeting by email link; The event is cancelled; …". */
export function refusedChatterBody(customerName: string, response: ResponseType, channel: ResponseChannel, why: string): string {
  return `Customer response refused: ${customerName} tried to ${ATTEMPT_WORDS[response]} by ${RESPONSE_CHANNEL_WORDS[channel] ?? channel}. ${why}`;
}

/** The chatter line of an inbound SMS that was not a reply code. */
export function inboundMessageChatterBody(message: Pick<InboundMessageReceivedPayload, 'kind' | 'body'>): string {
  const text = message.body.trim();
  switch (message.kind) {
    case 'opt_out':
      return `Customer opted out of SMS (texted "${text}")`;
    case 'opt_in':
      return `Customer opted in to SMS again (texted "${text}")`;
    case 'help':
      return `Customer asked for help by SMS (texted "${text}")`;
    default:
      return `Customer wrote by SMS: ${text}`;
  }
}
