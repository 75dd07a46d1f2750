/**
 * The customer pages behind `/m/:token`, as complete HTML documents. Pure functions: values
 * in, a string out; no I/O, no clock, no randomness (the nonce and the CSRF token come in).
 */
import { decideTransition, RESPONSE_TYPES } from '@appointments/domain';
import type { BookingStatus, ResponseType } from '@appointments/domain';
import { calendarLinksHtml, detailsHtml, meetingTime } from './event-details';
import { escapeHtml } from './html';
import { calendarFilePath, landingPath, responsePath } from './landing-paths';
import {
  buttonLabel,
  DEFAULT_CHANGE_ANSWER_TEXT,
  DEFAULT_CONFIRM_RESCHEDULE_LABEL,
  DEFAULT_CTA_TEXT,
  MAX_REASON_LENGTH,
  optionalText,
  REASON_LABELS,
  statusMessage,
  textOr,
} from './landing-texts';
import type {
  ErrorPageOptions,
  LandingConfig,
  LandingErrorKind,
  LandingView,
  RenderedPage,
  RescheduleConfirmationView,
} from './landing-view';
import { checkToken, csrfInput, pageDocument } from './page-document';

/** The customer's answer that a booking status stands for (`confirmed` → accept), or null when it stands for none. */
export function answerOf(bookingStatus: BookingStatus): ResponseType | null {
  switch (bookingStatus) {
    case 'confirmed':
      return 'accept';
    case 'declined':
      return 'decline';
    case 'rescheduling':
      return 'reschedule';
    default:
      return null;
  }
}

/** The current state in words, as the details list shows it. */
const BOOKING_STATUS_WORDS: Readonly<Record<BookingStatus, string>> = {
  draft: 'Being prepared',
  booked: 'Booked',
  invited: 'Waiting for your answer',
  confirmed: 'You accepted',
  declined: 'You declined',
  rescheduling: 'You asked to reschedule',
  cancelled: 'Cancelled',
};

const STATUS_AFTER_ANSWER: Readonly<Record<ResponseType, BookingStatus>> = {
  accept: 'confirmed',
  decline: 'declined',
  reschedule: 'rescheduling',
};

/**
 * The landing page of one notification (`GET /m/:token`):
 *
 * - the customer title, the config's subtitle;
 * - when cancelled: "This meeting was cancelled", no forms and no calendar links;
 * - after an answer (`justAnswered`, else the answer the booking status stands for): the
 *   config's status message for it;
 * - date and time in the event's time zone, duration, location (Google Maps) or video link,
 *   the organizer's name, phone (`tel:`) and email (`mailto:`), the current state;
 * - one POST form per answer the config switches on and the state machine allows now, each
 *   with the CSRF field; decline and reschedule with a reason field when the config asks;
 * - add-to-calendar links (Google, Outlook, the `.ics`);
 * - the config's footer.
 *
 * Every value is HTML-escaped; the page has no script. Throws notification-content's
 * `TemplateRenderError` when the event's times, time zone or locale cannot be read, or the
 * nonce, token or CSRF field is unusable.
 */
export function renderLandingPage(view: LandingView): string {
  const token = checkToken(view.token);
  const { event, config } = view;
  const landing = config.landing ?? null;
  const time = meetingTime(event, view.locale);
  const cancelled = view.bookingStatus === 'cancelled';
  const answer = cancelled ? null : (view.justAnswered ?? answerOf(view.bookingStatus));
  const stateNow = answer && view.justAnswered ? STATUS_AFTER_ANSWER[answer] : view.bookingStatus;
  const offered = cancelled ? [] : answersOffered(view.bookingStatus, config);

  const parts: string[] = [];
  parts.push(`<header>\n<h1 class="lp-title">${escapeHtml(event.customerTitle)}</h1>`);
  const subtitle = optionalText(landing?.subtitle);
  if (subtitle) parts.push(`<p class="lp-subtitle">${escapeHtml(subtitle)}</p>`);
  parts.push('</header>');

  if (cancelled) {
    parts.push(
      '<div class="lp-notice lp-notice--cancelled" role="status">\n<p><strong>This meeting was cancelled.</strong></p>\n<p>There is nothing you need to do.</p>\n</div>',
    );
  } else if (answer) {
    parts.push(`<div class="lp-status" role="status">\n<p>${escapeHtml(statusMessage(landing, answer))}</p>\n</div>`);
  }

  parts.push(
    `<section aria-label="Appointment details">\n${detailsHtml(event, time, [['Status', escapeHtml(BOOKING_STATUS_WORDS[stateNow])]])}\n</section>`,
  );

  if (offered.length > 0) {
    parts.push(actionsHtml(view, token, offered, answer !== null));
  }

  if (!cancelled) {
    parts.push(
      `<section class="lp-calendar" aria-labelledby="lp-calendar-heading">\n<h2 id="lp-calendar-heading">${escapeHtml(buttonLabel(landing, 'addToCalendar'))}</h2>\n<ul>\n${calendarLinksHtml(event, calendarFilePath(token))}\n</ul>\n</section>`,
    );
  }

  const footer = optionalText(landing?.footer);
  if (footer) parts.push(`<footer class="lp-footer">${escapeHtml(footer)}</footer>`);

  return pageDocument({ frame: view, title: event.customerTitle, body: parts.join('\n'), customCss: landing?.customCss });
}

/**
 * The answers the page offers: those whose button the config switches on, in the order
 * accept, decline, reschedule, and only while the domain's state machine would take them
 * (not for a draft, booked or cancelled event; see docs/decisions.md). The notification
 * state plays no part in deciding a response.
 */
function answersOffered(bookingStatus: BookingStatus, config: LandingConfig): ResponseType[] {
  return RESPONSE_TYPES.filter(
    (response) =>
      config.buttons?.[response] === true &&
      decideTransition(
        { bookingStatus, attendeeStatus: 'needs_action', notificationState: 'in_sync' },
        { kind: 'customer_responded', response },
      ).allowed,
  );
}

function actionsHtml(view: LandingView, token: string, offered: readonly ResponseType[], answered: boolean): string {
  const landing = view.config.landing ?? null;
  const heading = textOr(landing?.ctaText, answered ? DEFAULT_CHANGE_ANSWER_TEXT : DEFAULT_CTA_TEXT);
  const lines = [
    `<section class="lp-actions" aria-labelledby="lp-actions-heading">`,
    `<h2 id="lp-actions-heading">${escapeHtml(heading)}</h2>`,
  ];
  if (view.intent && offered.includes(view.intent)) {
    lines.push(
      `<p class="lp-notice lp-notice--intent">To send your answer, press “${escapeHtml(buttonLabel(landing, view.intent))}” below.</p>`,
    );
  }
  lines.push('<div class="lp-forms">');
  for (const response of offered) {
    const field = response !== 'accept' && reasonEnabled(view.config, response) ? reasonField(response) : '';
    lines.push(
      `<form class="lp-form lp-form--${response}" method="post" action="${escapeHtml(responsePath(token, response))}">`,
      csrfInput(view.csrf),
      ...(field ? [field] : []),
      `<button type="submit" class="lp-button lp-button--${response}">${escapeHtml(buttonLabel(landing, response))}</button>`,
      '</form>',
    );
  }
  lines.push('</div>', '</section>');
  return lines.join('\n');
}

function reasonEnabled(config: LandingConfig, response: 'decline' | 'reschedule'): boolean {
  return response === 'decline' ? config.declineReason === true : config.rescheduleReason === true;
}

function reasonField(response: 'decline' | 'reschedule'): string {
  const id = `lp-${response}-reason`;
  return `<label for="${id}">${escapeHtml(REASON_LABELS[response])}</label>\n<textarea id="${id}" name="reason" rows="3" maxlength="${MAX_REASON_LENGTH}"></textarea>`;
}

/**
 * "Are you sure you want to reschedule?" (when the config requires the confirmation): the
 * meeting's title, date and time, the reason the customer typed, a form that posts to
 * `/m/<token>/reschedule` with the CSRF field, the reason (hidden) and `confirmed=1` (its button
 * reads the config's reschedule label, else "Yes, request reschedule"), and a link back to the
 * landing page. Throws like `renderLandingPage`.
 */
export function renderRescheduleConfirmationPage(view: RescheduleConfirmationView): string {
  const token = checkToken(view.token);
  const landing = view.landing ?? null;
  const time = meetingTime(view.event, view.locale);
  const reason = typeof view.reason === 'string' && view.reason.trim() !== '' ? view.reason.trim() : null;
  const title = 'Are you sure you want to reschedule?';
  const lines = [
    `<h1 class="lp-title">${escapeHtml(title)}</h1>`,
    `<p>You are asking for a new time for <strong>${escapeHtml(view.event.customerTitle)}</strong>, now on ${escapeHtml(time.date)}, ${escapeHtml(time.hours)} <span class="lp-zone">(${escapeHtml(time.timeZone)})</span>.</p>`,
  ];
  if (reason) lines.push('<p>Your reason:</p>', `<p class="lp-reason">${escapeHtml(reason)}</p>`);
  lines.push(
    '<div class="lp-forms">',
    `<form class="lp-form lp-form--reschedule" method="post" action="${escapeHtml(responsePath(token, 'reschedule'))}">`,
    csrfInput(view.csrf),
    ...(reason ? [`<input type="hidden" name="reason" value="${escapeHtml(reason)}">`] : []),
    '<input type="hidden" name="confirmed" value="1">',
    `<button type="submit" class="lp-button lp-button--accept">${escapeHtml(textOr(landing?.buttonLabels?.reschedule, DEFAULT_CONFIRM_RESCHEDULE_LABEL))}</button>`,
    '</form>',
    `<a class="lp-button lp-button--secondary" href="${escapeHtml(landingPath(token))}">No, go back</a>`,
    '</div>',
  );
  return pageDocument({ frame: view, title, body: lines.join('\n'), customCss: landing?.customCss });
}

interface ErrorPageText {
  status: number;
  title: string;
  message: string;
  /** Whether a known token earns a link back to the landing page. */
  linkBack: boolean;
}

const ERROR_PAGES: Readonly<Record<LandingErrorKind, ErrorPageText>> = {
  not_found: {
    status: 404,
    title: 'We could not find this page',
    message: 'The link may be incomplete. Please open it again from your message, or contact us.',
    linkBack: false,
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    message: 'The link is no longer valid. If you need to change your appointment, please contact us.',
    linkBack: false,
  },
  cancelled: {
    status: 409,
    title: 'This meeting was cancelled',
    message: 'There is nothing to answer any more. If you have a question, please contact us.',
    linkBack: true,
  },
  not_answerable: {
    status: 409,
    title: 'We could not record your answer',
    message: 'This message does not take answers online. If you need to change your appointment, please contact us.',
    linkBack: true,
  },
  bad_form: {
    status: 400,
    title: 'Something was missing',
    message: 'We could not read your answer. Please go back and try again.',
    linkBack: true,
  },
  form_expired: {
    status: 403,
    title: 'This page has expired',
    message: 'For your security, please go back to your appointment and send your answer again.',
    linkBack: true,
  },
  unavailable: {
    status: 503,
    title: 'Please try again in a moment',
    message: 'We could not record your answer just now. Nothing was changed; please try again in a few minutes.',
    linkBack: true,
  },
};

/** The HTTP status of each error page. */
export const ERROR_PAGE_STATUS: Readonly<Record<LandingErrorKind, number>> = Object.fromEntries(
  Object.entries(ERROR_PAGES).map(([kind, page]) => [kind, page.status]),
) as Record<LandingErrorKind, number>;

/**
 * A short, friendly error page and the status to send it with (see `LandingErrorKind`). It
 * names no internal detail (no ids, statuses or exception text). With `token`, the pages for
 * an answer that failed link back to the landing page.
 */
export function renderErrorPage(kind: LandingErrorKind, options: ErrorPageOptions): RenderedPage {
  const page = ERROR_PAGES[kind] ?? ERROR_PAGES.not_found;
  const lines = [`<h1 class="lp-title">${escapeHtml(page.title)}</h1>`, `<p>${escapeHtml(page.message)}</p>`];
  if (page.linkBack && typeof options.token === 'string' && options.token !== '') {
    lines.push(`<p><a href="${escapeHtml(landingPath(options.token))}">Back to your appointment</a></p>`);
  }
  return { status: page.status, html: pageDocument({ frame: options, title: page.title, body: lines.join('\n') }) };
}
