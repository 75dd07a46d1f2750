import type { Page } from 'playwright-core';
import { browserSession } from './support/browser-session';
import { checkScreen, signIn } from './support/staff-app';

jest.setTimeout(300_000);

/**
 * The staff web app at `/`, driven in Debian's Chromium as staff and customer do, against the
 * five services started for this file. The customer answers from the phone simulator, whose
 * replies go to inbound-response's real Twilio webhook, signed with the token every service
 * of this platform shares (as `npm start` arranges it). No sleeps: Playwright waits for what
 * should appear, within its timeouts.
 */
const WEBHOOK_TOKEN = 'browser-spec-webhook-token';
const session = browserSession('browser_staff', { width: 1280, height: 900 }, { TWILIO_AUTH_TOKEN: WEBHOOK_TOKEN });

const baseUrl = () => session.platform.api.baseUrl;
const admin = () => session.platform.environment.admin;

/** A template whose RSVP request goes by SMS with reply codes, and its update and cancellation. */
function loopTemplate(name: string) {
  const buttons = { accept: true, decline: true, reschedule: true, viewDetails: true, addToCalendar: true };
  return {
    name,
    titlePattern: '[{status}] Loop visit with {customerName}',
    customerTitle: 'Your visit with Acme',
    notificationConfigs: [
      {
        key: 'rsvp',
        type: 'rsvp_request',
        channelMode: 'follow_preference',
        emailSubject: 'Will you come on {{date}}?',
        emailBody: '<p>Hello {{customerName}}</p>',
        smsBody: 'Hi {{customerName}}, can you come on {{date}} at {{time}}?',
        buttons,
        replyCodes: { enabled: true },
        landing: { subtitle: 'Please let us know' },
      },
      {
        key: 'update',
        type: 'update',
        channelMode: 'follow_preference',
        emailSubject: 'Changed: {{date}}',
        emailBody: '<p>Hello {{customerName}}, we changed your visit.</p>',
        smsBody: 'Hi {{customerName}}, your visit changed: {{date}} at {{time}}, {{location}}.',
        buttons: { ...buttons, accept: false, decline: false, reschedule: false },
      },
      {
        key: 'cancellation',
        type: 'cancellation',
        channelMode: 'follow_preference',
        emailSubject: 'Cancelled',
        emailBody: '<p>Hello {{customerName}}, your visit is cancelled.</p>',
        smsBody: 'Hi {{customerName}}, your visit on {{date}} is cancelled.',
        buttons: { ...buttons, accept: false, decline: false, reschedule: false },
      },
    ],
  };
}

async function createTemplate(name: string): Promise<string> {
  const created = await session.platform.api.post('/api/templates', loopTemplate(name));
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** Picks an option of a searchable select by typing part of it, as a person does. */
async function choose(page: Page, label: string, typed: string, option: string | RegExp): Promise<void> {
  await page.getByRole('textbox', { name: label }).fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}

/** The status label of the event page (the badge), as visible text. */
async function expectStatus(page: Page, label: string): Promise<void> {
  await page.getByText(label, { exact: true }).first().waitFor({ state: 'visible' });
}

/** Opens a send's Preview dialog, checks it, and presses its button. */
async function previewAndSend(page: Page, button: string, confirm = 'Send', screen?: string): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog', { name: 'Preview' });
  await dialog.getByRole('button', { name: confirm }).waitFor({ state: 'visible' });
  if (screen) await checkScreen(page, screen);
  await dialog.getByRole('button', { name: confirm }).click();
  await dialog.waitFor({ state: 'hidden' });
}

it('closes the whole loop: sign in, customer and event, RSVP by SMS, the customer replies 1, Confirmed live, update, cancellation', async () => {
  const { page, context } = session;
  await createTemplate('Loop visit');
  await signIn(page, baseUrl(), admin());
  await checkScreen(page, 'agenda');

  // A customer who prefers SMS.
  await page.goto(`${baseUrl()}/customers/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('Jane Roe');
  await page.getByRole('textbox', { name: 'Email' }).fill('jane.roe@example.com');
  await page.getByRole('textbox', { name: 'Phone' }).fill('+14155550142');
  await page.getByText('SMS', { exact: true }).click();
  await checkScreen(page, 'customer-form');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);

  // An event with her, from the template, in Paris next year.
  const year = new Date().getUTCFullYear() + 1;
  await page.goto(`${baseUrl()}/events/new`);
  await choose(page, 'Customer', 'Jane', /Jane Roe/);
  await choose(page, 'Template', 'Loop', 'Loop visit');
  await page.getByLabel('Start').fill(`${year}-03-10T10:00`);
  await page.getByLabel('End').fill(`${year}-03-10T11:00`);
  await choose(page, 'Time zone', 'Europe/Paris', 'Europe/Paris');
  await page.getByRole('textbox', { name: 'Location' }).fill('1 Rue de la Paix, Paris');
  await checkScreen(page, 'event-form');
  await page.getByRole('button', { name: 'Create event' }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
  const eventUrl = page.url();
  await expectStatus(page, 'Draft');
  await checkScreen(page, 'event');
  // The state machine allows no update or cancellation of a draft: those buttons are not there.
  expect(await page.getByRole('button', { name: 'Send update' }).count()).toBe(0);

  // The RSVP request, previewed, then sent.
  await previewAndSend(page, 'Request RSVP', 'Send', 'preview');
  await expectStatus(page, 'Invited');
  // The event page's chat (the conversation with her number) shows the SMS once it is sent, live.
  const chat = page.getByRole('log', { name: /Messages with (Jane Roe|\+14155550142)/ });
  await chat.getByText(/Hi Jane Roe, can you come on/).waitFor({ state: 'visible' });
  await chat.getByText(/Notification · .* · (Sent|Delivered)/).waitFor({ state: 'visible' });

  // The customer's phone: the SMS arrived; she replies 1 (a reply code: accept).
  const phone = await context.newPage();
  await phone.goto(`${baseUrl()}/dev/phone`);
  await phone.getByText('+14155550142').first().click();
  await phone
    .getByText(/Hi Jane Roe, can you come on/)
    .first()
    .waitFor({ state: 'visible' });
  await checkScreen(phone, 'phone');
  await phone.getByRole('textbox', { name: 'Reply' }).fill('1');
  await phone.getByRole('button', { name: 'Send reply' }).click();

  // The open event page turns Confirmed by itself (the live stream), without a reload.
  expect(page.url()).toBe(eventUrl);
  await expectStatus(page, 'Confirmed');
  await chat.getByText(/^Customer · /).waitFor({ state: 'visible' });

  // A change of place makes an update due; the update goes out and the event is in sync again.
  await page.goto(`${eventUrl}/edit`);
  await page.getByRole('textbox', { name: 'Location' }).fill('2 Avenue Montaigne, Paris');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(eventUrl);
  await page.getByRole('button', { name: 'Send update' }).waitFor({ state: 'visible' });
  await previewAndSend(page, 'Send update');
  await page.getByRole('button', { name: 'Send update' }).waitFor({ state: 'detached' });
  await phone
    .getByText(/your visit changed: .*2 Avenue Montaigne/)
    .first()
    .waitFor({ state: 'visible' });

  // The cancellation, through its confirmation dialog.
  await previewAndSend(page, 'Send cancellation', 'Confirm cancellation', 'cancellation-preview');
  await expectStatus(page, 'Cancelled');
  await phone
    .getByText(/your visit on .* is cancelled/)
    .first()
    .waitFor({ state: 'visible' });
  await phone.close();
});

it('shows the landing page preview beside the template editor, and follows an edit', async () => {
  const { page } = session;
  const templateId = await createTemplate('Preview visit');
  await signIn(page, baseUrl(), admin());
  await page.goto(`${baseUrl()}/templates/${templateId}`);
  const preview = page.frameLocator('iframe[title="Landing page preview"]');
  await preview.getByText('Please let us know').first().waitFor({ state: 'visible' });
  await checkScreen(page, 'template-editor');

  // The landing fields of a config sit in its collapsed "Landing page" section (the first config, open, is the previewed one).
  await page.getByRole('button', { name: 'Landing page', exact: true }).first().click();
  await page.getByRole('textbox', { name: 'Subtitle' }).first().fill('Bring your documents, please');
  await preview.getByText('Bring your documents, please').first().waitFor({ state: 'visible' });
});

it('conversations: a customer SMS shows live in the open inbox and the agenda widget; staff answer it and the phone gets the answer', async () => {
  const { page, context } = session;
  const created = await session.platform.api.post('/api/customers', {
    name: 'Sam Lee',
    email: 'sam.lee@example.com',
    phone: '+14155550177',
    preferredConfirmationMethod: 'sms',
  });
  expect(created.status).toBe(201);
  await signIn(page, baseUrl(), admin());

  // Staff write first (a new conversation), so the number has a phone in the simulator.
  await page.goto(`${baseUrl()}/conversations/${encodeURIComponent('+14155550177')}`);
  // Nothing links the number to Sam yet (no SMS either way): the view is titled by the number until one does.
  const sam = /Sam Lee|\+14155550177/;
  await page.getByRole('heading', { name: sam }).first().waitFor({ state: 'visible' });
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Hello Sam, your new glasses are ready.');
  await page.getByText(/38 \/ 160 · 1 segment · GSM-7/).waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Send message' }).click();
  const thread = page.getByRole('log', { name: /Messages with (Sam Lee|\+14155550177)/ });
  await thread.getByText('Hello Sam, your new glasses are ready.').waitFor({ state: 'visible' });
  await thread.getByText(/Staff · You · .* · (Sent|Delivered)/).waitFor({ state: 'visible' });
  expect(await composer.inputValue()).toBe('');

  // The inbox open in one tab, the agenda (its recent SMS widget) in another.
  await page.goto(`${baseUrl()}/conversations`);
  await page.getByRole('link', { name: sam }).first().waitFor({ state: 'visible' });
  const agenda = await context.newPage();
  await agenda.goto(`${baseUrl()}/`);
  const widget = agenda.getByRole('region', { name: 'Recent SMS and confirmation notifications' });
  await widget.waitFor({ state: 'visible' });

  // The customer's phone: the message arrived; Sam answers in free text.
  const phone = await context.newPage();
  await phone.goto(`${baseUrl()}/dev/phone`);
  await phone.getByText('+14155550177').first().click();
  await phone.getByText('Hello Sam, your new glasses are ready.').first().waitFor({ state: 'visible' });
  await phone.getByRole('textbox', { name: 'Reply' }).fill('Great, can I come by at 3 pm?');
  await phone.getByRole('button', { name: 'Send reply' }).click();

  // Without a reload: unread in the inbox (and the navigation), the SMS on the agenda's widget.
  await page.getByRole('link', { name: /(Sam Lee|\+14155550177).* 1 unread/ }).waitFor({ state: 'visible' });
  await page.getByRole('link', { name: /Conversations\s*\d+ unread/ }).waitFor({ state: 'visible' });
  await widget.getByText('Great, can I come by at 3 pm?').waitFor({ state: 'visible' });
  await checkScreen(agenda, 'agenda-recent-sms');
  await checkScreen(page, 'conversations-unread');
  await agenda.close();

  // Staff open the conversation (read: the badge goes) and answer.
  await page.getByRole('link', { name: /(Sam Lee|\+14155550177).*unread/ }).click();
  await page.waitForURL(/\/conversations\/%2B14155550177$/);
  await thread.getByText('Great, can I come by at 3 pm?').waitFor({ state: 'visible' });
  await page.getByRole('link', { name: /(Sam Lee|\+14155550177).*unread/ }).waitFor({ state: 'detached' });
  await composer.fill('Yes, 3 pm is fine. See you then!');
  await page.getByRole('button', { name: 'Send message' }).click();
  await thread.getByText('Yes, 3 pm is fine. See you then!').waitFor({ state: 'visible' });
  await checkScreen(page, 'conversation');

  // The answer reaches the customer's phone.
  await phone.getByText('Yes, 3 pm is fine. See you then!').first().waitFor({ state: 'visible' });
  await phone.close();
});

describe.each([
  ['desktop', 1280, 900],
  ['mobile', 375, 812],
])('every screen on %s (%i px): no serious accessibility violation, a screenshot', (_, width, height) => {
  it('agenda, events, customers, templates, console, stop list, settings, phone, conversations and the sign-in page', async () => {
    const { page } = session;
    await page.setViewportSize({ width, height });
    await page.goto(`${baseUrl()}/login`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await checkScreen(page, 'login');
    await signIn(page, baseUrl(), admin());
    const screens: [string, string, RegExp | string][] = [
      ['agenda', '/', /Agenda/],
      ['events', '/events', 'Events'],
      ['customers', '/customers', 'Customers'],
      ['templates', '/templates', 'Templates'],
      ['console', '/console', /Console|Notifications/],
      ['stop-list', '/stop-list', /Stop list/],
      ['settings', '/settings', /Settings|Sender/],
      ['phone', '/dev/phone', /Phone/],
      ['conversations', '/conversations', 'Conversations'],
      ['conversation', `/conversations/${encodeURIComponent('+14155550142')}`, /Jane Roe|\+14155550142/],
    ];
    for (const [screen, path, heading] of screens) {
      await page.goto(`${baseUrl()}${path}`);
      await page.getByRole('heading', { name: heading }).first().waitFor({ state: 'visible' });
      await checkScreen(page, `${screen}-list`);
    }
  });
});
