import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { getEvent } from '../e2e/support/notifications';
import { Platform, startPlatform } from '../e2e/support/platform';
import { eventReaches, invitedWithLandingLink } from './support/landing-flow';

jest.setTimeout(180_000);

/**
 * The landing pages in a real browser (Debian's Chromium through playwright-core, headless):
 * a customer opens the link from the email in the dev outbox and answers with the page's own
 * forms, which the page's Content-Security-Policy and form token must let through. No sleeps:
 * Playwright waits for navigations and elements, `eventReaches` polls with a deadline.
 */
// What the functions run in the page see (the build has no DOM library).
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };
declare function getComputedStyle(element: unknown): { color: string };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  platform = await startPlatform('browser_landing');
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterEach(async () => {
  await context?.close();
  expect(cspViolations).toEqual([]);
  cspViolations.length = 0;
});

const api = () => platform.api;

it('opens the landing link from the email, accepts, and shows the status message', async () => {
  const invitation = await invitedWithLandingLink(api());
  await page.goto(invitation.landingUrl);
  await expectVisibleText(page.locator('h1'), 'Your Appointment with Acme');
  await page.locator('form.lp-form--accept button[type=submit]').click();
  await page.waitForURL(/\?done=accept$/);
  await expectVisibleText(page.locator('.lp-status'), 'Great, see you there!');
  await eventReaches(api(), invitation.event.id, 'confirmed');
});

it('declines with a reason', async () => {
  const invitation = await invitedWithLandingLink(api());
  await page.goto(invitation.landingUrl);
  await page.getByLabel('Reason for declining (optional)').fill('Out of town that week');
  await page.locator('form.lp-form--decline button[type=submit]').click();
  await page.waitForURL(/\?done=decline$/);
  await expectVisibleText(page.locator('.lp-status'), 'You have declined this appointment');
  const event = await eventReaches(api(), invitation.event.id, 'declined');
  expect(event.declineReason).toBe('Out of town that week');
});

it('reschedules through the confirmation page', async () => {
  const invitation = await invitedWithLandingLink(api());
  await page.goto(invitation.landingUrl);
  await page.getByLabel('Reason for rescheduling (optional)').fill('Can we do Monday?');
  await page.locator('form.lp-form--reschedule button[type=submit]').click();
  await expectVisibleText(page.locator('h1'), 'Are you sure you want to reschedule?');
  expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('invited');
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\?done=reschedule$/);
  await expectVisibleText(page.locator('.lp-status'), 'We have your request to reschedule');
  const event = await eventReaches(api(), invitation.event.id, 'rescheduling');
  expect(event.rescheduleReason).toBe('Can we do Monday?');
});

it('applies the custom CSS of the notification config', async () => {
  const invitation = await invitedWithLandingLink(api());
  await page.goto(invitation.landingUrl);
  const title = page.locator('.lp-title');
  await title.waitFor();
  expect(await title.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(18, 52, 86)');
  // The </style><script> in the same CSS did not become a script.
  expect(await page.locator('script').count()).toBe(0);
});

it('has no horizontal scroll at a 375-px-wide viewport', async () => {
  const invitation = await invitedWithLandingLink(api());
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(invitation.landingUrl);
  await page.locator('form.lp-form--accept').waitFor();
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(375);
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
});

/** Waits for the element to show the text (Playwright's waiting, no sleeps). */
async function expectVisibleText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
}
