import { MAX_RESPONSE_REASON_LENGTH, type NotificationConfig } from '@appointments/contracts';
import type { ResponseType } from '@appointments/domain';

/**
 * The rules inbound-response applies to a landing-page response before it records it. Whether a
 * response repeats the one before it is the domain's (`decideResponses`); whether the event may
 * take it (not cancelled, the state machine) is scheduling's to decide when it applies
 * `CustomerResponded`.
 */

/** Whether the notification's landing page offers this action: its config has the button switched on. */
export function offersAction(config: Pick<NotificationConfig, 'buttons'>, action: ResponseType): boolean {
  return Boolean(config.buttons?.[action]);
}

/** Why a landing-page response is refused, in words for the customer's page; null when it may be recorded. */
export function landingRefusal(config: Pick<NotificationConfig, 'buttons'>, action: ResponseType): string | null {
  if (offersAction(config, action)) return null;
  const what = { accept: 'accepting', decline: 'declining', reschedule: 'asking to reschedule' }[action];
  return `This message does not offer ${what}; please contact the organizer instead`;
}

/**
 * The reason kept with a response: trimmed, and only for a decline or a reschedule whose
 * config asks for one (a reason sent for anything else is dropped); null when empty.
 */
export function keptReason(
  config: Pick<NotificationConfig, 'declineReason' | 'rescheduleReason'>,
  action: ResponseType,
  reason: string | null | undefined,
): string | null {
  const text = reason?.trim() ?? '';
  if (text === '') return null;
  const asked = (action === 'decline' && config.declineReason) || (action === 'reschedule' && config.rescheduleReason);
  return asked ? text : null;
}

/** Whether a reason is too long to keep (the landing form and the command say so too). */
export function reasonTooLong(reason: string | null | undefined): boolean {
  return (reason?.length ?? 0) > MAX_RESPONSE_REASON_LENGTH;
}
