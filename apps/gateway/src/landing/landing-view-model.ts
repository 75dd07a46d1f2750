import type { EventView, LandingTokenView } from '@appointments/contracts';
import type { CsrfField, LandingEvent, LandingView } from '@appointments/landing-page';
import { readResponseType } from '@appointments/landing-page';

/** The hidden form field that carries the anti-forgery token. */
export const CSRF_FIELD_NAME = '_csrf';

/** A landing token as notification-dispatch makes them (22 base64url characters), with room to spare; anything else is unknown without asking. */
const LANDING_TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

export function isPlausibleLandingToken(token: unknown): token is string {
  return typeof token === 'string' && LANDING_TOKEN.test(token);
}

/** The meeting as the customer sees it: the customer title, never the internal one. */
export function landingEvent(event: EventView): LandingEvent {
  const organizer = event.organizer as EventView['organizer'] & { phone?: string | null };
  return {
    customerTitle: event.customerTitle,
    start: event.start,
    end: event.end,
    timeZone: event.timeZone,
    location: event.location,
    videoUrl: event.videoUrl,
    organizer: { name: organizer.name, email: organizer.email ?? null, phone: organizer.phone ?? null },
  };
}

export interface LandingQuery {
  done?: unknown;
  action?: unknown;
}

/** What `renderLandingPage` gets for `GET /m/:token`: the event now, the config as sent, the `?done=` and `?action=` of the URL. */
export function landingView(input: {
  token: string;
  nonce: string;
  csrfToken: string;
  tokenView: LandingTokenView;
  event: EventView;
  query: LandingQuery;
}): LandingView {
  const csrf: CsrfField = { name: CSRF_FIELD_NAME, value: input.csrfToken };
  return {
    nonce: input.nonce,
    token: input.token,
    csrf,
    event: landingEvent(input.event),
    bookingStatus: input.event.bookingStatus,
    attendeeStatus: input.event.attendeeStatus,
    config: input.tokenView.config,
    justAnswered: readResponseType(input.query.done),
    intent: readResponseType(input.query.action),
  };
}
