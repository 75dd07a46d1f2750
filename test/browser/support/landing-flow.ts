import { eventually } from '@appointments/testing';
import {
  createScenario,
  expectStatus,
  getEvent,
  landingTokensIn,
  notificationConfig,
  outboxHas,
  send,
  Scenario,
} from '../../e2e/support/notifications';
import type { StaffApi } from '../../e2e/support/platform';

/**
 * Shared by the landing-page end-to-end and browser tests: an RSVP request whose email has
 * every button, reason fields and the reschedule confirmation, and the landing link the
 * customer got, read from the dev outbox as they would read it.
 */

/** Reaches the page and stays in its box whatever the sanitiser does with the rest. */
export const CUSTOM_CSS = '.lp-title { color: rgb(18, 52, 86); }\n</style><script>alert(1)</script>\n.lp-footer { color: red; }';

export function rsvpConfig(overrides: Record<string, unknown> = {}) {
  return {
    key: 'rsvp',
    type: 'rsvp_request',
    channelMode: 'email',
    emailSubject: 'Will you come? {{customerTitle}} on {{date}}',
    emailBody: '<p>Hello {{customerName}}, please answer for {{date}} at {{time}} ({{timeZone}}).</p>',
    smsBody: 'Hi {{customerName}}, please answer for {{date}} at {{time}}.',
    buttons: { accept: true, decline: true, reschedule: true, viewDetails: true, addToCalendar: true },
    declineReason: true,
    rescheduleReason: true,
    requireRescheduleConfirmation: true,
    landing: {
      subtitle: 'Acme Home Services',
      footer: 'Questions? Call us.',
      statusMessages: { accept: 'Great, see you there!' },
      customCss: CUSTOM_CSS,
    },
    ...overrides,
  };
}

export interface LandingInvitation extends Scenario {
  /** The landing token of the email's links. */
  token: string;
  /** `http://…/m/<token>` */
  landingUrl: string;
}

/** A new customer, template (RSVP config `rsvp`, cancellation config `cancel`) and event, invited by an RSVP email; the landing link from that email. */
export async function invitedWithLandingLink(api: StaffApi, configOverrides: Record<string, unknown> = {}): Promise<LandingInvitation> {
  const scenario = await createScenario(api, {
    customer: { preferredConfirmationMethod: 'email' },
    configs: [rsvpConfig(configOverrides), notificationConfig('cancellation', { key: 'cancel', channelMode: 'email' })],
  });
  const sent = await send(api, scenario.event.id, { type: 'rsvp_request', configKey: 'rsvp' });
  expectStatus(sent, 202, 'send rsvp_request');
  const [email] = await outboxHas(api, scenario.customer.email, 1, 'email');
  const tokens = [...new Set(landingTokensIn(email.html))];
  if (tokens.length !== 1) throw new Error(`expected one landing token in the email, found ${JSON.stringify(tokens)}`);
  return { ...scenario, token: tokens[0], landingUrl: `${api.baseUrl}/m/${tokens[0]}` };
}

/** Waits until the event's booking status is `status` (scheduling applies answers asynchronously). */
export function eventReaches(api: StaffApi, eventId: string, status: string): Promise<any> {
  return eventually(
    () => getEvent(api, eventId),
    (event) => event.bookingStatus === status,
    { what: `event ${eventId} to become ${status}`, timeoutMs: 15_000 },
  );
}

/** Cancels the event through the staff API (preview for the confirmation token, then the send). */
export async function cancelEvent(api: StaffApi, eventId: string): Promise<void> {
  const preview = await api.post(`/api/events/${eventId}/notifications/preview`, { type: 'cancellation', configKey: 'cancel' });
  expectStatus(preview, 200, 'preview cancellation');
  const sent = await send(api, eventId, { type: 'cancellation', configKey: 'cancel', confirmationToken: preview.body.confirmationToken });
  expectStatus(sent, 202, 'send cancellation');
}
