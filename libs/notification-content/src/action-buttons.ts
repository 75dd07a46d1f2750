import type { ActionButton } from './email';
import { readHttpUrl } from './http-url';
import { TemplateRenderError } from './template-render-error';

/** The buttons a notification config can switch on, in the order they are shown. */
export const ACTION_BUTTON_KINDS = ['accept', 'decline', 'reschedule', 'viewDetails', 'addToCalendar'] as const;

export type ActionButtonKind = (typeof ACTION_BUTTON_KINDS)[number];

/** A notification config's `buttons`: which ones are on. */
export type ActionButtonToggles = Readonly<Record<ActionButtonKind, boolean>>;

export interface ActionButtonOptions {
  /** The recipient's landing page (absolute http or https URL); every button links to it. */
  landingUrl: string;
  /** Labels to use instead of the defaults; a blank label counts as not given. */
  labels?: Readonly<Partial<Record<ActionButtonKind, string | null>>>;
}

export const DEFAULT_ACTION_BUTTON_LABELS: Readonly<Record<ActionButtonKind, string>> = {
  accept: 'Accept',
  decline: 'Decline',
  reschedule: 'Request reschedule',
  viewDetails: 'View details',
  addToCalendar: 'Add to calendar',
};

/**
 * The buttons switched on in `toggles`, in the order accept, decline, reschedule,
 * view details, add to calendar, ready for `renderEmail`'s `buttons`. Links, for a landing
 * page `https://app.example.com/m/tok`:
 *
 * | kind | url |
 * | --- | --- |
 * | accept, decline, reschedule | `https://app.example.com/m/tok?action=accept` (…`decline`, …`reschedule`) |
 * | viewDetails | `https://app.example.com/m/tok` |
 * | addToCalendar | `https://app.example.com/m/tok/calendar.ics` |
 *
 * A query the landing URL already has is kept. Throws `TemplateRenderError` when the
 * landing URL is not an absolute http or https URL.
 */
export function actionButtons(toggles: ActionButtonToggles, options: ActionButtonOptions): (ActionButton & { kind: ActionButtonKind })[] {
  const landing = readHttpUrl(options.landingUrl);
  if (!landing) throw new TemplateRenderError([`landingUrl: "${String(options.landingUrl)}" is not an http or https URL`]);
  return ACTION_BUTTON_KINDS.filter((kind) => toggles[kind] === true).map((kind) => ({
    kind,
    label: options.labels?.[kind]?.trim() || DEFAULT_ACTION_BUTTON_LABELS[kind],
    url: buttonUrl(kind, landing),
  }));
}

/** Whether any button lets the customer answer (accept, decline or ask to reschedule). */
export function hasResponseActions(toggles: ActionButtonToggles): boolean {
  return toggles.accept === true || toggles.decline === true || toggles.reschedule === true;
}

function buttonUrl(kind: ActionButtonKind, landing: URL): string {
  const url = new URL(landing.href);
  switch (kind) {
    case 'viewDetails':
      break;
    case 'addToCalendar':
      url.pathname = `${url.pathname.replace(/\/+$/, '')}/calendar.ics`;
      break;
    default:
      url.searchParams.set('action', kind);
  }
  return url.href;
}
