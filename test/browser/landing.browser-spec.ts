import { getEvent } from '../e2e/support/notifications';
import type { Page } from 'playwright-core';
import { browserSession } from './support/browser-session';
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

const session = browserSession('browser_landing', { width: 1024, height: 800 });

const api = () => session.platform.api;

it('opens the landing link from the email, accepts, and shows the status message', async () => {
  const invitation = await invitedWithLandingLink(api());
  await session.page.goto(invitation.landingUrl);
  await expectVisibleText(session.page.locator('h1'), 'Your Appointment with Acme');
  await session.page.locator('form.lp-form--accept button[type=submit]').click();
  await session.page.waitForURL(/\?done=accept$/);
  await expectVisibleText(session.page.locator('.lp-status'), 'Great, see you there!');
  await eventReaches(api(), invitation.event.id, 'confirmed');
});

it('declines with a reason', async () => {
  const invitation = await invitedWithLandingLink(api());
  await session.page.goto(invitation.landingUrl);
  await session.page.getByLabel('Reason for declining (optional)').fill('Out of town that week');
  await session.page.locator('form.lp-form--decline button[type=submit]').click();
  await session.page.waitForURL(/\?done=decline$/);
  await expectVisibleText(session.page.locator('.lp-status'), 'You have declined this appointment');
  const event = await eventReaches(api(), invitation.event.id, 'declined');
  expect(event.declineReason).toBe('Out of town that week');
});

it('reschedules through the confirmation page', async () => {
  const invitation = await invitedWithLandingLink(api());
  await session.page.goto(invitation.landingUrl);
  await session.page.getByLabel('Reason for rescheduling (optional)').fill('Can we do Monday?');
  await session.page.locator('form.lp-form--reschedule button[type=submit]').click();
  await expectVisibleText(session.page.locator('h1'), 'Are you sure you want to reschedule?');
  expect((await getEvent(api(), invitation.event.id)).bookingStatus).toBe('invited');
  await session.page.locator('form button[type=submit]').click();
  await session.page.waitForURL(/\?done=reschedule$/);
  await expectVisibleText(session.page.locator('.lp-status'), 'We have your request to reschedule');
  const event = await eventReaches(api(), invitation.event.id, 'rescheduling');
  expect(event.rescheduleReason).toBe('Can we do Monday?');
});

it('applies the custom CSS of the notification config', async () => {
  const invitation = await invitedWithLandingLink(api());
  await session.page.goto(invitation.landingUrl);
  const title = session.page.locator('.lp-title');
  await title.waitFor();
  expect(await title.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(18, 52, 86)');
  // The </style><script> in the same CSS did not become a script.
  expect(await session.page.locator('script').count()).toBe(0);
});

it('has no horizontal scroll at a 375-px-wide viewport', async () => {
  const invitation = await invitedWithLandingLink(api());
  await session.page.setViewportSize({ width: 375, height: 740 });
  await session.page.goto(invitation.landingUrl);
  await session.page.locator('form.lp-form--accept').waitFor();
  const widths = await session.page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(375);
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
});

/** Waits for the element to show the text (Playwright's waiting, no sleeps). */
async function expectVisibleText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
}
