import ICAL from 'ical.js';
import { Platform, startPlatform } from './support/platform';
import { getEvent } from './support/notifications';
import { cancelEvent, CUSTOM_CSS, eventReaches, invitedWithLandingLink, LandingInvitation } from '../browser/support/landing-flow';

jest.setTimeout(180_000);

/**
 * The customer landing pages over HTTP (issue 4): GET /m/:token, the answers posted from it
 * with their form token, the reschedule confirmation, the .ics, and the refusals, against the
 * five services running as real processes.
 */
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform('e2e_landing');
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;

interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
}

async function customer(
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<PageResponse> {
  const response = await fetch(`${platform.api.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: form ? { 'content-type': 'application/x-www-form-urlencoded', ...headers } : headers,
    body: form ? new URLSearchParams(form).toString() : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The form token of a page, as a browser would post it back. */
function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no _csrf field in ${html.slice(0, 500)}`);
  return match[1];
}

async function openPage(invitation: LandingInvitation): Promise<PageResponse & { csrf: string }> {
  const page = await customer('GET', `/m/${invitation.token}`);
  expect(page.status).toBe(200);
  return { ...page, csrf: csrfOf(page.text) };
}

function expectCustomerPageHeaders(headers: Headers) {
  expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('content-security-policy')).toMatch(
    /^default-src 'none'; style-src 'nonce-[A-Za-z0-9_-]{16,}'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
  );
}

describe('GET /m/:token', () => {
  it('shows the customer title, the time in the event zone and the buttons, with a CSP and no script', async () => {
    const invitation = await invitedWithLandingLink(api());
    const page = await openPage(invitation);
    expectCustomerPageHeaders(page.headers);
    expect(page.text).not.toMatch(/<script/i);
    expect(page.text).toContain('Your Appointment with Acme');
    expect(page.text).not.toContain('Consultation with Ann Lee'); // the internal title
    expect(page.text).toContain('Friday, January 15, 2027');
    expect(page.text).toContain('2:00 PM');
    expect(page.text).toContain('Acme Home Services');
    for (const action of ['accept', 'decline', 'reschedule']) expect(page.text).toContain(`action="/m/${invitation.token}/${action}"`);
    const nonce = /'nonce-([^']+)'/.exec(page.headers.get('content-security-policy')!)![1];
    const styleNonces = [...page.text.matchAll(/<style nonce="([^"]+)"/g)].map((match) => match[1]);
    expect(styleNonces.length).toBeGreaterThan(0);
    expect(new Set(styleNonces)).toEqual(new Set([nonce]));
  });

  it('changes nothing, even with ?action=accept from the email button', async () => {
    const invitation = await invitedWithLandingLink(api());
    const page = await customer('GET', `/m/${invitation.token}?action=accept`);
    expect(page.status).toBe(200);
    expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('invited');
  });

  it('sends a fresh nonce with every response', async () => {
    const invitation = await invitedWithLandingLink(api());
    const [first, second] = [await openPage(invitation), await openPage(invitation)];
    expect(first.headers.get('content-security-policy')).not.toBe(second.headers.get('content-security-policy'));
  });

  it('answers an unknown token with the 404 page', async () => {
    const page = await customer('GET', '/m/AAAAAAAAAAAAAAAAAAAAAA');
    expect(page.status).toBe(404);
    expectCustomerPageHeaders(page.headers);
    expect(page.text).not.toMatch(/<script/i);
  });

  it('keeps custom CSS inside its style element: no </style> break-out', async () => {
    const invitation = await invitedWithLandingLink(api());
    const page = await openPage(invitation);
    expect(CUSTOM_CSS).toContain('</style><script>');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toMatch(/<script/i);
    expect(page.text).toMatch(/\.lp-title\{color:rgb\(18,\s*52,\s*86\)\}/);
  });
});

describe('POST /m/:token/accept|decline|reschedule', () => {
  it('refuses a post without the form token with 403 and changes nothing', async () => {
    const invitation = await invitedWithLandingLink(api());
    const refused = await customer('POST', `/m/${invitation.token}/accept`, {});
    expect(refused.status).toBe(403);
    expectCustomerPageHeaders(refused.headers);
    const forged = await customer('POST', `/m/${invitation.token}/accept`, { _csrf: '1a2b3c.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(forged.status).toBe(403);
    expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('invited');
  });

  it('refuses a post the browser says came from another site, even with a form token', async () => {
    const invitation = await invitedWithLandingLink(api());
    const { csrf } = await openPage(invitation);
    const refused = await customer(
      'POST',
      `/m/${invitation.token}/accept`,
      { _csrf: csrf },
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    );
    expect(refused.status).toBe(403);
    expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('invited');
  });

  it('refuses a form token of another landing link', async () => {
    const [first, second] = [await invitedWithLandingLink(api()), await invitedWithLandingLink(api())];
    const { csrf } = await openPage(first);
    const refused = await customer('POST', `/m/${second.token}/accept`, { _csrf: csrf });
    expect(refused.status).toBe(403);
  });

  it('accept: 303 to ?done=accept, the event becomes confirmed, the page shows the status message', async () => {
    const invitation = await invitedWithLandingLink(api());
    const { csrf } = await openPage(invitation);
    const answered = await customer(
      'POST',
      `/m/${invitation.token}/accept`,
      { _csrf: csrf },
      { 'sec-fetch-site': 'same-origin', origin: 'null' },
    );
    expect(answered.status).toBe(303);
    expect(answered.headers.get('location')).toBe(`/m/${invitation.token}?done=accept`);
    const event = await eventReaches(api(), invitation.event.id, 'confirmed');
    expect(event.attendeeStatus).toBe('accepted');
    const after = await customer('GET', `/m/${invitation.token}?done=accept`);
    expect(after.status).toBe(200);
    expect(after.text).toContain('Great, see you there!');
  });

  it('decline with a reason: the reason is saved on the event', async () => {
    const invitation = await invitedWithLandingLink(api());
    const { csrf } = await openPage(invitation);
    const answered = await customer('POST', `/m/${invitation.token}/decline`, { _csrf: csrf, reason: 'Out of town that week' });
    expect(answered.status).toBe(303);
    expect(answered.headers.get('location')).toBe(`/m/${invitation.token}?done=decline`);
    const event = await eventReaches(api(), invitation.event.id, 'declined');
    expect(event.declineReason).toBe('Out of town that week');
  });

  it('refuses a reason over 1000 characters with the 400 page and changes nothing', async () => {
    const invitation = await invitedWithLandingLink(api());
    const { csrf } = await openPage(invitation);
    const refused = await customer('POST', `/m/${invitation.token}/decline`, { _csrf: csrf, reason: 'x'.repeat(1001) });
    expect(refused.status).toBe(400);
    expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('invited');
  });

  it('reschedule asks "Are you sure?" first, then records the request with its reason', async () => {
    const invitation = await invitedWithLandingLink(api());
    const { csrf } = await openPage(invitation);
    const confirm = await customer('POST', `/m/${invitation.token}/reschedule`, { _csrf: csrf, reason: 'Can we do Monday?' });
    expect(confirm.status).toBe(200);
    expectCustomerPageHeaders(confirm.headers);
    expect(confirm.text).toContain('Are you sure you want to reschedule?');
    expect(confirm.text).toContain('name="confirmed" value="1"');
    expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('invited');

    const answered = await customer('POST', `/m/${invitation.token}/reschedule`, {
      _csrf: csrfOf(confirm.text),
      reason: 'Can we do Monday?',
      confirmed: '1',
    });
    expect(answered.status).toBe(303);
    expect(answered.headers.get('location')).toBe(`/m/${invitation.token}?done=reschedule`);
    const event = await eventReaches(api(), invitation.event.id, 'rescheduling');
    expect(event.rescheduleReason).toBe('Can we do Monday?');
  });

  it('answers an unknown action with the 400 page', async () => {
    const invitation = await invitedWithLandingLink(api());
    const { csrf } = await openPage(invitation);
    expect((await customer('POST', `/m/${invitation.token}/approve`, { _csrf: csrf })).status).toBe(400);
  });

  it('refuses an answer to a cancelled event with 409 and changes nothing', async () => {
    const invitation = await invitedWithLandingLink(api());
    const { csrf } = await openPage(invitation);
    await cancelEvent(api(), invitation.event.id);
    const refused = await customer('POST', `/m/${invitation.token}/accept`, { _csrf: csrf });
    expect(refused.status).toBe(409);
    expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('cancelled');
    const page = await customer('GET', `/m/${invitation.token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This meeting was cancelled.');
    expect(page.text).not.toContain('<form');
  });
});

describe('GET /m/:token/calendar.ics', () => {
  it('downloads the event as an iCalendar file with the event UID', async () => {
    const invitation = await invitedWithLandingLink(api());
    const file = await customer('GET', `/m/${invitation.token}/calendar.ics`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="invite.ics"');
    expect(file.headers.get('cache-control')).toBe('no-store');
    const calendar = new ICAL.Component(ICAL.parse(file.text));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('uid')).toBe(`${invitation.event.id}@appointments`);
    expect(vevent.getFirstPropertyValue('summary')).toBe('Your Appointment with Acme');
    expect((vevent.getFirstPropertyValue('dtstart') as any).toJSDate().toISOString()).toBe('2027-01-15T19:00:00.000Z');
  });

  it('answers an unknown token with 404', async () => {
    expect((await customer('GET', '/m/AAAAAAAAAAAAAAAAAAAAAA/calendar.ics')).status).toBe(404);
  });
});
