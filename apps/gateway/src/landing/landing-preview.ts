import type { LandingPreviewDto, NotificationConfig } from '@appointments/contracts';
import type { BookingStatus } from '@appointments/domain';
import { renderLandingPage } from '@appointments/landing-page';
import { BadRequestException } from '@nestjs/common';
import { newNonce } from './landing-page-reply';
import { CSRF_FIELD_NAME } from './landing-view-model';

/** The token of the preview's forms and links: plausible in shape, never issued. */
export const PREVIEW_TOKEN = 'preview0000000000000000';

/** What the send of a config of this type makes of a new event: the status the customer would see. */
function statusAfterSend(config: NotificationConfig): BookingStatus {
  switch (config.type) {
    case 'cancellation':
      return 'cancelled';
    case 'rsvp_request':
      return 'invited';
    case 'reminder':
      return config.buttons.accept || config.buttons.decline ? 'invited' : 'booked';
    default:
      return 'booked';
  }
}

/**
 * The customer landing page of `configKey` for a sample event (two days from now at 14:00 New
 * York time, an hour, at a sample address, organised by the staff member asking), rendered by
 * the landing-page lib exactly as `GET /m/:token` renders it, then made inert: a meta CSP with
 * `form-action 'none'` (nothing is posted, even in an iframe without `sandbox`), and a token that
 * was never issued.
 */
export function renderLandingPreview(
  preview: LandingPreviewDto,
  organizer: { name: string; email: string },
  now = new Date(),
): { html: string; nonce: string } {
  const config = preview.template.notificationConfigs.find((candidate) => candidate.key === preview.configKey);
  if (!config) {
    const keys = preview.template.notificationConfigs.map((candidate) => candidate.key).join(', ');
    throw new BadRequestException(`configKey "${preview.configKey}" is not one of the template's configs (${keys})`);
  }
  const start = new Date(now.getTime() + 2 * 24 * 3600_000);
  start.setUTCHours(19, 0, 0, 0); // 14:00 in New York (EST), 15:00 in summer
  const nonce = newNonce();
  const html = renderLandingPage({
    nonce,
    token: PREVIEW_TOKEN,
    csrf: { name: CSRF_FIELD_NAME, value: 'preview' },
    event: {
      customerTitle: preview.template.customerTitle,
      start: start.toISOString(),
      end: new Date(start.getTime() + 3600_000).toISOString(),
      timeZone: 'America/New_York',
      location: '123 Main St, Springfield',
      videoUrl: null,
      organizer: { name: organizer.name, email: organizer.email, phone: null },
    },
    bookingStatus: statusAfterSend(config),
    attendeeStatus: 'needs_action',
    config,
  });
  return { html: inert(html), nonce };
}

/** Adds a CSP of the document itself that lets no form go anywhere (a meta CSP restricts on top of the page's own). */
function inert(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="form-action 'none'; base-uri 'none'">`;
  return html.replace(/<head>/i, `<head>${meta}`);
}

/**
 * The answer's own CSP: no script, the page's nonce'd style, no form target, and `sandbox`
 * (opened on its own it runs as a sandboxed document). Framed only by the staff app
 * (`frame-ancestors 'self'`); shown in a `srcdoc` iframe, the app's own CSP applies to it.
 */
export function landingPreviewCsp(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' https: data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox`;
}
