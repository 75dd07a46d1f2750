import { DEFAULT_ACTION_BUTTON_LABELS } from '@appointments/notification-content';
import type { ResponseType } from '@appointments/domain';
import type { LandingTexts } from './landing-view';

/** What the page says after an answer, when the config's `landing.statusMessages` does not say it. */
export const DEFAULT_STATUS_MESSAGES: Readonly<Record<ResponseType, string>> = {
  accept: 'Thank you! Your appointment is confirmed.',
  decline: 'Thank you for letting us know. You have declined this appointment.',
  reschedule: 'Thank you. We have your request to reschedule and will contact you with a new time.',
};

/** The heading above the buttons, when the config's `landing.ctaText` is not given. */
export const DEFAULT_CTA_TEXT = 'Will you attend?';

/** The heading above the buttons once the customer has answered (and no `ctaText` is configured). */
export const DEFAULT_CHANGE_ANSWER_TEXT = 'Want to change your answer?';

/** The confirm button of "Are you sure you want to reschedule?", when the config has no reschedule label. */
export const DEFAULT_CONFIRM_RESCHEDULE_LABEL = 'Yes, request reschedule';

/** At most this many characters in a decline or reschedule reason (the textarea's `maxlength`; the gateway checks it again). */
export const MAX_REASON_LENGTH = 1000;

/** The label of a reason field. */
export const REASON_LABELS: Readonly<Record<Exclude<ResponseType, 'accept'>, string>> = {
  decline: 'Reason for declining (optional)',
  reschedule: 'Reason for rescheduling (optional)',
};

/** The configured text when it is not blank, else the fallback. */
export function textOr(value: string | null | undefined, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** The configured text, or null when it is missing or blank. */
export function optionalText(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The label of an answer's button (or of the add-to-calendar heading). */
export function buttonLabel(landing: LandingTexts | null | undefined, kind: ResponseType | 'addToCalendar'): string {
  return textOr(landing?.buttonLabels?.[kind], DEFAULT_ACTION_BUTTON_LABELS[kind]);
}

/** The status message for an answer. */
export function statusMessage(landing: LandingTexts | null | undefined, response: ResponseType): string {
  return textOr(landing?.statusMessages?.[response], DEFAULT_STATUS_MESSAGES[response]);
}
