import { BOOKING_STATUSES } from '@appointments/domain';
import type { BookingStatus, ResponseType } from '@appointments/domain';
import { TemplateRenderError } from '@appointments/notification-content';
import { BASE_STYLESHEET } from './base-stylesheet';
import { pathAfterResponse, readResponseType } from './landing-paths';
import type { LandingErrorKind, LandingView, RescheduleConfirmationView } from './landing-view';
import { renderErrorPage, renderLandingPage, renderRescheduleConfirmationPage } from './pages';

const NONCE = 'bm9uY2UtdmFsdWUtMTIzNDU2';
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUv';
const CSRF = { name: '_csrf', value: 'csrf-token-value' };
const HOSTILE = '<script>alert(1)</script>';

function view(overrides: Partial<LandingView> = {}): LandingView {
  return {
    nonce: NONCE,
    token: TOKEN,
    csrf: CSRF,
    event: {
      customerTitle: 'Your Appointment with Acme',
      start: '2026-01-15T19:00:00Z',
      end: '2026-01-15T20:30:00Z',
      timeZone: 'America/New_York',
      location: '123 Main St, Springfield',
      videoUrl: null,
      organizer: { name: 'Olivia Organizer', phone: '+15550109999', email: 'olivia@acme.example' },
    },
    bookingStatus: 'invited',
    attendeeStatus: 'needs_action',
    config: { buttons: { accept: true, decline: true, reschedule: true, viewDetails: false, addToCalendar: true } },
    ...overrides,
  };
}

/** The forms of a page: action path and inner HTML. */
function forms(html: string): { action: string; body: string }[] {
  return [...html.matchAll(/<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].map((match) => ({
    action: match[1],
    body: match[2],
  }));
}

function actions(html: string): string[] {
  return forms(html).map((form) => form.action.split('/').pop() ?? '');
}

describe('renderLandingPage', () => {
  it('is a complete, mobile-ready HTML document without any script', () => {
    const html = renderLandingPage(view());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain('<title>Your Appointment with Acme</title>');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toContain('javascript:');
  });

  it('escapes hostile values in the title, location, organizer and texts', () => {
    const html = renderLandingPage(
      view({
        event: {
          ...view().event,
          customerTitle: `Meeting ${HOSTILE}`,
          location: `"><img src=x onerror=alert(1)> ${HOSTILE}`,
          organizer: { name: HOSTILE, phone: `+1555${HOSTILE}`, email: `${HOSTILE}@x.example` },
        },
        config: {
          buttons: { accept: true, decline: true },
          landing: {
            subtitle: HOSTILE,
            ctaText: HOSTILE,
            footer: HOSTILE,
            buttonLabels: { accept: HOSTILE },
          },
        },
      }),
    );
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('Meeting &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('shows the customer-facing title, never anything else as the heading', () => {
    const html = renderLandingPage(view());
    expect(html).toContain('<h1 class="lp-title">Your Appointment with Acme</h1>');
  });

  describe('shows the date and time in the event’s time zone', () => {
    const cases: [string, string, string, string][] = [
      ['America/New_York', 'Thursday, January 15, 2026', '2:00 PM – 3:30 PM', '(America/New_York)'],
      ['Europe/Berlin', 'Thursday, January 15, 2026', '8:00 PM – 9:30 PM', '(Europe/Berlin)'],
      ['Asia/Tokyo', 'Friday, January 16, 2026', '4:00 AM – 5:30 AM', '(Asia/Tokyo)'],
    ];
    it.each(cases)('%s', (timeZone, date, hours, zone) => {
      const html = renderLandingPage(view({ event: { ...view().event, timeZone } }));
      expect(html).toContain(date);
      expect(html).toContain(hours);
      expect(html).toContain(zone);
      expect(html).toContain('1 hour 30 minutes');
    });

    it('with the end date when the meeting ends on another day', () => {
      const html = renderLandingPage(
        view({ event: { ...view().event, start: '2026-01-15T22:00:00-05:00', end: '2026-01-16T01:00:00-05:00' } }),
      );
      expect(html).toContain('10:00 PM – Friday, January 16, 2026, 1:00 AM');
    });
  });

  it('links an address to Google Maps', () => {
    const html = renderLandingPage(view());
    expect(html).toContain('href="https://www.google.com/maps/search/?api&#x3D;1&amp;query&#x3D;123%20Main%20St%2C%20Springfield"');
    expect(html).not.toContain('Join the online meeting');
  });

  it('links the video link of an online meeting, without a map', () => {
    const html = renderLandingPage(view({ event: { ...view().event, location: null, videoUrl: 'https://meet.example.com/abc-def' } }));
    expect(html).toContain('<a href="https://meet.example.com/abc-def" rel="noopener noreferrer">Join the online meeting</a>');
    expect(html).not.toContain('google.com/maps');
  });

  it('never links a video link that is not http(s)', () => {
    const html = renderLandingPage(view({ event: { ...view().event, location: null, videoUrl: 'javascript:alert(1)' } }));
    expect(html).not.toContain('href="javascript:');
  });

  it('shows the organizer with tel: and mailto: links', () => {
    const html = renderLandingPage(view());
    expect(html).toContain('Olivia Organizer');
    expect(html).toContain('<a href="tel:+15550109999">+15550109999</a>');
    expect(html).toContain('<a href="mailto:olivia@acme.example">olivia@acme.example</a>');
  });

  it('offers Google Calendar, Outlook and the .ics file', () => {
    const html = renderLandingPage(view());
    expect(html).toContain(
      'href="https://calendar.google.com/calendar/render?action&#x3D;TEMPLATE&amp;text&#x3D;Your%20Appointment%20with%20Acme',
    );
    expect(html).toContain('href="https://outlook.live.com/calendar/deeplink/compose?');
    expect(html).toContain(`href="/m/${TOKEN}/calendar.ics" download`);
  });

  describe('offers only the answers the config switches on', () => {
    const toggles: [string, Partial<Record<ResponseType, boolean>>, ResponseType[]][] = [
      ['all three', { accept: true, decline: true, reschedule: true }, ['accept', 'decline', 'reschedule']],
      ['accept only', { accept: true }, ['accept']],
      ['decline and reschedule', { decline: true, reschedule: true }, ['decline', 'reschedule']],
      ['none', {}, []],
    ];
    it.each(toggles)('%s', (_name, buttons, expected) => {
      const html = renderLandingPage(view({ config: { buttons: { ...buttons, viewDetails: true, addToCalendar: true } } }));
      expect(actions(html)).toEqual(expected);
      for (const response of expected) expect(html).toContain(`<button type="submit" class="lp-button lp-button--${response}">`);
      if (expected.length === 0) expect(html).not.toContain('<form');
    });
  });

  it('posts every answer to /m/<token>/<answer> with the CSRF field', () => {
    const html = renderLandingPage(view({ config: { buttons: { accept: true, decline: true, reschedule: true }, declineReason: true } }));
    const all = forms(html);
    expect(all.map((form) => form.action)).toEqual([`/m/${TOKEN}/accept`, `/m/${TOKEN}/decline`, `/m/${TOKEN}/reschedule`]);
    expect(html.match(/<form class="lp-form[^"]*" method="post" action="/g)).toHaveLength(3);
    for (const form of all) expect(form.body).toContain('<input type="hidden" name="_csrf" value="csrf-token-value">');
  });

  it('escapes the CSRF value and refuses an odd field name', () => {
    const html = renderLandingPage(view({ csrf: { name: 'csrf', value: '"><b>x' } }));
    expect(html).toContain('value="&quot;&gt;&lt;b&gt;x"');
    expect(() => renderLandingPage(view({ csrf: { name: 'a b"', value: 'x' } }))).toThrow(TemplateRenderError);
  });

  describe('asks for a reason only where the config enables it', () => {
    const cases: [string, { declineReason?: boolean; rescheduleReason?: boolean }, ResponseType[]][] = [
      ['neither', {}, []],
      ['decline', { declineReason: true }, ['decline']],
      ['reschedule', { rescheduleReason: true }, ['reschedule']],
      ['both', { declineReason: true, rescheduleReason: true }, ['decline', 'reschedule']],
    ];
    it.each(cases)('%s', (_name, reasons, expected) => {
      const html = renderLandingPage(view({ config: { buttons: { accept: true, decline: true, reschedule: true }, ...reasons } }));
      const withReason = forms(html)
        .filter((form) => form.body.includes('<textarea'))
        .map((form) => form.action.split('/').pop());
      expect(withReason).toEqual(expected);
      for (const response of expected) {
        expect(html).toContain(`<label for="lp-${response}-reason">`);
        expect(html).toContain(`<textarea id="lp-${response}-reason" name="reason" rows="3" maxlength="1000"></textarea>`);
      }
    });
  });

  it('shows a cancelled meeting without any form or calendar link', () => {
    const html = renderLandingPage(view({ bookingStatus: 'cancelled', justAnswered: 'accept' }));
    expect(html).toContain('This meeting was cancelled.');
    expect(html).not.toContain('<form');
    expect(html).not.toContain('<button');
    expect(html).not.toContain('calendar.ics');
    expect(html).not.toContain(view().config.landing?.statusMessages?.accept ?? 'Thank you! Your appointment is confirmed.');
  });

  describe('offers answers only while the state machine takes them', () => {
    const answerable: BookingStatus[] = ['invited', 'confirmed', 'declined', 'rescheduling'];
    it.each(BOOKING_STATUSES.map((status) => [status, answerable.includes(status)] as const))('%s → forms: %s', (bookingStatus, shown) => {
      const html = renderLandingPage(view({ bookingStatus }));
      expect(html.includes('<form')).toBe(shown);
    });
  });

  describe('shows the status message after an answer', () => {
    const cases: [BookingStatus, ResponseType, string, string][] = [
      ['confirmed', 'accept', 'Thank you! Your appointment is confirmed.', 'You accepted'],
      ['declined', 'decline', 'Thank you for letting us know. You have declined this appointment.', 'You declined'],
      ['rescheduling', 'reschedule', 'We have your request to reschedule', 'You asked to reschedule'],
    ];
    it.each(cases)('%s (default text)', (bookingStatus, _answer, message, state) => {
      const html = renderLandingPage(view({ bookingStatus, attendeeStatus: bookingStatus === 'declined' ? 'declined' : 'accepted' }));
      expect(html).toContain('<div class="lp-status" role="status">');
      expect(html).toContain(message);
      expect(html).toContain(`<dt>Status</dt><dd>${state}</dd>`);
      expect(html).toContain('Want to change your answer?');
    });

    it.each(cases)('%s (configured text, just answered before the status caught up)', (_status, answer, _message, state) => {
      const html = renderLandingPage(
        view({
          bookingStatus: 'invited',
          justAnswered: answer,
          config: {
            buttons: { accept: true, decline: true },
            landing: { statusMessages: { accept: 'See you soon!', decline: 'Sorry to miss you.', reschedule: 'We will call you.' } },
          },
        }),
      );
      expect(html).toContain({ accept: 'See you soon!', decline: 'Sorry to miss you.', reschedule: 'We will call you.' }[answer]);
      expect(html).toContain(`<dt>Status</dt><dd>${state}</dd>`);
    });

    it('says nothing of an answer before there is one', () => {
      const html = renderLandingPage(view());
      expect(html).not.toContain('class="lp-status"');
      expect(html).toContain('<dt>Status</dt><dd>Waiting for your answer</dd>');
      expect(html).toContain('Will you attend?');
    });
  });

  it('uses the config’s texts and labels instead of the defaults', () => {
    const html = renderLandingPage(
      view({
        config: {
          buttons: { accept: true, decline: true, reschedule: true },
          landing: {
            subtitle: 'At our downtown office',
            ctaText: 'Can you make it?',
            footer: 'Acme Dental · 1 Main St',
            buttonLabels: {
              accept: 'Yes, I’ll be there',
              decline: 'No, I can’t',
              reschedule: 'Another time, please',
              addToCalendar: 'Save the date',
            },
          },
        },
      }),
    );
    expect(html).toContain('<p class="lp-subtitle">At our downtown office</p>');
    expect(html).toContain('<h2 id="lp-actions-heading">Can you make it?</h2>');
    expect(html).toContain('<footer class="lp-footer">Acme Dental · 1 Main St</footer>');
    expect(html).toContain('>Yes, I’ll be there</button>');
    expect(html).toContain('>No, I can’t</button>');
    expect(html).toContain('>Another time, please</button>');
    expect(html).toContain('>Save the date</h2>');
    expect(html).not.toContain('>Accept</button>');
  });

  it('falls back to the default labels when the configured ones are blank', () => {
    const html = renderLandingPage(
      view({ config: { buttons: { accept: true, decline: true, reschedule: true }, landing: { buttonLabels: { accept: '  ' } } } }),
    );
    expect(html).toContain('>Accept</button>');
    expect(html).toContain('>Decline</button>');
    expect(html).toContain('>Request reschedule</button>');
    expect(html).toContain('>Add to calendar</h2>');
  });

  it('puts the base CSS first and the sanitised custom CSS after it, both with the nonce', () => {
    const html = renderLandingPage(
      view({
        config: {
          buttons: { accept: true },
          landing: {
            customCss: '.lp-title{color:#7c3aed} @import url(//evil); a{background:url(javascript:x)}</style><script>alert(1)</script>',
          },
        },
      }),
    );
    const styles = [...html.matchAll(/<style nonce="([^"]*)">\n([\s\S]*?)\n<\/style>/g)];
    expect(styles).toHaveLength(2);
    expect(styles.map((style) => style[1])).toEqual([NONCE, NONCE]);
    expect(styles[0][2]).toBe(BASE_STYLESHEET);
    expect(styles[1][2]).toBe('.lp-title{color:#7c3aed}');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html.match(/<\/style/gi)).toHaveLength(2);
  });

  it('has a single style element when there is no custom CSS left', () => {
    const html = renderLandingPage(view({ config: { buttons: { accept: true }, landing: { customCss: '@import url(//evil);' } } }));
    expect(html.match(/<style/g)).toHaveLength(1);
  });

  it('refuses a nonce that is not base64', () => {
    expect(() => renderLandingPage(view({ nonce: '"><script>' }))).toThrow(TemplateRenderError);
    expect(() => renderLandingPage(view({ nonce: '' }))).toThrow(TemplateRenderError);
  });

  it('says which button to press when an email button led here, and changes nothing', () => {
    const html = renderLandingPage(view({ intent: 'decline' }));
    expect(html).toContain('To send your answer, press “Decline” below.');
    expect(html).not.toContain('class="lp-status"');
  });

  it('labels every text field', () => {
    const html = renderLandingPage(
      view({ config: { buttons: { decline: true, reschedule: true }, declineReason: true, rescheduleReason: true } }),
    );
    const ids = [...html.matchAll(/<textarea id="([^"]+)"/g)].map((match) => match[1]);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(html).toContain(`<label for="${id}">`);
  });

  it('shows a visible focus style', () => {
    expect(BASE_STYLESHEET).toMatch(/button:focus-visible[^{]*\{outline:3px solid/);
  });

  it('refuses unreadable event times instead of showing a wrong date', () => {
    expect(() => renderLandingPage(view({ event: { ...view().event, start: '2026-01-15 19:00' } }))).toThrow(TemplateRenderError);
    expect(() => renderLandingPage(view({ event: { ...view().event, timeZone: 'Mars/Olympus' } }))).toThrow(TemplateRenderError);
  });
});

describe('renderRescheduleConfirmationPage', () => {
  function confirmation(overrides: Partial<RescheduleConfirmationView> = {}): RescheduleConfirmationView {
    return { nonce: NONCE, token: TOKEN, csrf: CSRF, event: view().event, reason: 'Running late', ...overrides };
  }

  it('asks, and posts the reason with confirmed=1 and the CSRF field', () => {
    const html = renderRescheduleConfirmationPage(confirmation());
    expect(html).toContain('<h1 class="lp-title">Are you sure you want to reschedule?</h1>');
    const [form, ...others] = forms(html);
    expect(others).toEqual([]);
    expect(form.action).toBe(`/m/${TOKEN}/reschedule`);
    expect(form.body).toContain('<input type="hidden" name="_csrf" value="csrf-token-value">');
    expect(form.body).toContain('<input type="hidden" name="reason" value="Running late">');
    expect(form.body).toContain('<input type="hidden" name="confirmed" value="1">');
    expect(form.body).toContain('>Yes, request reschedule</button>');
    expect(html).toContain(`<a class="lp-button lp-button--secondary" href="/m/${TOKEN}">No, go back</a>`);
    expect(html).toContain('Thursday, January 15, 2026, 2:00 PM – 3:30 PM');
    expect(html.toLowerCase()).not.toContain('<script');
  });

  it('escapes a hostile reason in the text and in the hidden field', () => {
    const html = renderRescheduleConfirmationPage(confirmation({ reason: `"${HOSTILE}` }));
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).toContain('value="&quot;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('carries no reason field when there is none', () => {
    const html = renderRescheduleConfirmationPage(confirmation({ reason: '  ' }));
    expect(html).not.toContain('name="reason"');
    expect(html).not.toContain('Your reason');
  });

  it('uses the configured reschedule label and custom CSS', () => {
    const html = renderRescheduleConfirmationPage(
      confirmation({ landing: { buttonLabels: { reschedule: 'Find another time' }, customCss: 'h1{color:red}' } }),
    );
    expect(html).toContain('>Find another time</button>');
    expect(html).toContain(`<style nonce="${NONCE}">\nh1{color:red}\n</style>`);
  });
});

describe('renderErrorPage', () => {
  const cases: [LandingErrorKind, number, string][] = [
    ['not_found', 404, 'We could not find this page'],
    ['expired', 410, 'This link has expired'],
    ['cancelled', 409, 'This meeting was cancelled'],
    ['not_answerable', 409, 'We could not record your answer'],
    ['bad_form', 400, 'Something was missing'],
    ['form_expired', 403, 'This page has expired'],
    ['unavailable', 503, 'Please try again in a moment'],
  ];

  it.each(cases)('%s → %i', (kind, status, title) => {
    const page = renderErrorPage(kind, { nonce: NONCE });
    expect(page.status).toBe(status);
    expect(page.html).toContain(`<h1 class="lp-title">${title}</h1>`);
    expect(page.html).toContain(`<style nonce="${NONCE}">`);
    expect(page.html.toLowerCase()).not.toContain('<script');
    expect(page.html).not.toContain('<form');
  });

  it('links back to the landing page after a failed answer, not for an unknown or expired link', () => {
    expect(renderErrorPage('bad_form', { nonce: NONCE, token: TOKEN }).html).toContain(
      `<a href="/m/${TOKEN}">Back to your appointment</a>`,
    );
    expect(renderErrorPage('not_found', { nonce: NONCE, token: TOKEN }).html).not.toContain(`/m/${TOKEN}`);
    expect(renderErrorPage('expired', { nonce: NONCE, token: TOKEN }).html).not.toContain(`/m/${TOKEN}`);
  });
});

describe('landing paths', () => {
  it('redirects after an answer to the landing page with done=<answer>, read back strictly', () => {
    expect(pathAfterResponse(TOKEN, 'accept')).toBe(`/m/${TOKEN}?done=accept`);
    expect(readResponseType('decline')).toBe('decline');
    for (const value of ['Accept', 'cancel', '', undefined, ['accept'], 'accept ']) expect(readResponseType(value)).toBeNull();
  });
});
