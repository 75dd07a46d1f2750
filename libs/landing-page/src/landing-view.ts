/**
 * What the gateway gives the page functions: plain values, independent of TypeORM entities and
 * of the DTO classes. The shapes of `LandingConfig` and `LandingTexts` match a stored
 * `NotificationConfig` and its `landing` (see `libs/contracts/src/template.dto.ts`), so the
 * gateway can pass the config it has as it is.
 */
import type { AttendeeStatus, BookingStatus, ResponseType } from '@appointments/domain';
import type { ActionButtonKind } from '@appointments/notification-content';

/** The hidden form field that carries the anti-forgery (CSRF) token; every POST form has it. */
export interface CsrfField {
  /** The field's name, e.g. `_csrf`: letters, digits, `_` and `-`, at most 64 characters. */
  name: string;
  /** The token for this page view; the gateway checks it when the form comes back. */
  value: string;
}

/** What every page needs, whatever it shows. */
export interface PageFrame {
  /**
   * The per-response CSP nonce: the value the gateway also sends as `style-src 'nonce-…'`.
   * Base64 or base64url characters (at least 16). Both `<style>` elements carry it.
   */
  nonce: string;
  /** The page's language for `<html lang>` (BCP 47, e.g. `en`, `de-CH`); default `en`. */
  lang?: string | null;
}

/** The customisable texts of a landing page: a notification config's `landing` (`LandingDto`). Blank counts as not given. */
export interface LandingTexts {
  /** A line under the title. Left out when not given. */
  subtitle?: string | null;
  /** The heading above the action buttons. Default "Will you attend?" (or "Want to change your answer?" once answered). */
  ctaText?: string | null;
  /** Small print at the bottom of the page (line breaks kept). Left out when not given. */
  footer?: string | null;
  /** What the page says after each answer. Defaults: `DEFAULT_STATUS_MESSAGES`. */
  statusMessages?: Partial<Record<ResponseType, string | null>> | null;
  /** Button labels; `accept`, `decline`, `reschedule` and `addToCalendar` are used here. Defaults: notification-content's `DEFAULT_ACTION_BUTTON_LABELS`. */
  buttonLabels?: Partial<Record<ActionButtonKind, string | null>> | null;
  /** Staff-written CSS, sanitised by `sanitiseCustomCss` and placed after the base stylesheet. */
  customCss?: string | null;
}

/** The parts of a notification config the landing page follows (a stored `NotificationConfig` fits). */
export interface LandingConfig {
  /** Which buttons the config switches on; accept, decline and reschedule become forms on the page. */
  buttons: Partial<Record<ActionButtonKind, boolean>>;
  /** Show a reason field in the decline form. */
  declineReason?: boolean | null;
  /** Show a reason field in the reschedule form. */
  rescheduleReason?: boolean | null;
  /** Texts, labels and custom CSS. */
  landing?: LandingTexts | null;
}

/** Who the customer can contact about the meeting. */
export interface LandingOrganizer {
  /** Shown as it is. */
  name: string;
  /** Shown as it is and linked with `tel:` (E.164 expected; spaces and punctuation are tolerated). */
  phone?: string | null;
  /** Shown and linked with `mailto:` when it looks like one address. */
  email?: string | null;
}

/** The meeting as the customer sees it. */
export interface LandingEvent {
  /** The customer-facing title ("Your Appointment with Acme"); never the internal title with its status. */
  customerTitle: string;
  /** ISO-8601 instant with an offset or `Z`. */
  start: string;
  /** ISO-8601 instant with an offset or `Z`; not before `start`. */
  end: string;
  /** IANA time zone the date and time are shown in (`America/New_York`). */
  timeZone: string;
  /** The address, linked to Google Maps (or, when it is itself an http(s) URL, linked as it is). */
  location?: string | null;
  /** The online meeting's link (http or https; anything else is shown without a link). */
  videoUrl?: string | null;
  /** Who to contact. */
  organizer: LandingOrganizer;
}

/** Everything the landing page of one notification (`GET /m/:token`) shows. */
export interface LandingView extends PageFrame {
  /** The landing token from the URL: forms post to `/m/<token>/accept|decline|reschedule`, the `.ics` is `/m/<token>/calendar.ics`. */
  token: string;
  /** The anti-forgery field put in every form. */
  csrf: CsrfField;
  /** The meeting. */
  event: LandingEvent;
  /** The event's booking status now; decides whether answers are possible and what the page says. */
  bookingStatus: BookingStatus;
  /** The customer's attendee status now. */
  attendeeStatus: AttendeeStatus;
  /** The config of the notification the token belongs to. */
  config: LandingConfig;
  /**
   * The answer the customer has just given (from the `?done=` of the redirect after a POST,
   * read with `readResponseType`). Its status message is shown even when the event's status
   * has not caught up yet. Null or absent on an ordinary visit.
   */
  justAnswered?: ResponseType | null;
  /**
   * The answer an email button pointed at (`?action=accept`, read with `readResponseType`).
   * GET changes nothing: the page only says which button to press.
   */
  intent?: ResponseType | null;
  /** BCP 47 locale for the date, time and duration; default `en-US`. */
  locale?: string | null;
}

/** The page "Are you sure you want to reschedule?" (when the config requires the confirmation). */
export interface RescheduleConfirmationView extends PageFrame {
  /** The landing token: the form posts to `/m/<token>/reschedule`, "No, go back" leads to `/m/<token>`. */
  token: string;
  /** The anti-forgery field put in the form. */
  csrf: CsrfField;
  /** The meeting (title, date and time are repeated so the customer knows what they confirm). */
  event: LandingEvent;
  /** The reason the customer typed, carried in a hidden field and shown back; null or blank when none. */
  reason?: string | null;
  /** The config's landing texts (reschedule label, custom CSS). */
  landing?: LandingTexts | null;
  /** BCP 47 locale for the date and time; default `en-US`. */
  locale?: string | null;
}

/**
 * Why a customer request cannot be served:
 *
 * | kind | status | when |
 * | --- | --- | --- |
 * | `not_found` | 404 | no notification has this token |
 * | `expired` | 410 | the token is past its expiry |
 * | `cancelled` | 409 | an answer to a cancelled event |
 * | `not_answerable` | 409 | an answer through a notification without buttons, or that the state machine refuses |
 * | `bad_form` | 400 | a POST with missing or invalid fields (unknown action, reason too long) |
 * | `form_expired` | 403 | the anti-forgery token is missing or wrong |
 * | `unavailable` | 503 | the answer could not be recorded now (a service did not reply) |
 */
export type LandingErrorKind = 'not_found' | 'expired' | 'cancelled' | 'not_answerable' | 'bad_form' | 'form_expired' | 'unavailable';

/** Options of an error page. */
export interface ErrorPageOptions extends PageFrame {
  /** When known and still valid, the page links back to `/m/<token>` (not for `not_found` and `expired`). */
  token?: string | null;
}

/** A page with the HTTP status it is to be sent with. */
export interface RenderedPage {
  status: number;
  html: string;
}
