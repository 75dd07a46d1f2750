import type { Page } from 'playwright-core';
import { browserSession } from './support/browser-session';

jest.setTimeout(180_000);

/**
 * The ops dashboard in a real browser (Debian's Chromium through playwright-core, headless): an
 * admin opens /ops/queues, is sent to the sign-in form, signs in with the page's own form
 * (which its Content-Security-Policy and form token must let through), and sees bull-board
 * list the reminders queue. No sleeps: Playwright waits for navigations and elements.
 */
const session = browserSession('browser_ops', { width: 1280, height: 800 });

const dashboardUrl = () => `${session.platform.api.baseUrl}/ops/queues`;
const adminCredentials = (): [string, string] => [session.platform.environment.admin.email, session.platform.environment.admin.password];

async function signInThroughTheForm(email: string, password: string): Promise<void> {
  await session.page.getByLabel('Email').fill(email);
  await session.page.getByLabel('Password').fill(password);
  await session.page.getByRole('button', { name: 'Sign in' }).click();
}

it('sends a browser without a session to the sign-in form, signs in, and lists the reminders queue', async () => {
  await session.page.goto(dashboardUrl());
  await session.page.waitForURL(/\/ops\/login$/);
  await expectVisibleText(session.page.locator('h1'), 'Ops sign-in');
  expect(await session.page.locator('script').count()).toBe(0);

  await signInThroughTheForm(...adminCredentials());
  await session.page.waitForURL(/\/ops\/queues/);
  // bull-board's own page (a React app) lists every queue in its side menu.
  await session.page
    .getByRole('link', { name: /reminders/ })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });

  const cookie = (await session.context.cookies()).find((candidate) => candidate.name === 'ops_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/ops' });
});

it('shows the form again with a message after a wrong password', async () => {
  await session.page.goto(`${session.platform.api.baseUrl}/ops/login`);
  await signInThroughTheForm('admin@example.com', 'not-the-password');
  await expectVisibleText(session.page.locator('[role=alert]'), 'Wrong email or password.');
  expect((await session.context.cookies()).find((cookie) => cookie.name === 'ops_session')).toBeUndefined();
});

it('signs out from the sign-in page', async () => {
  await session.page.goto(`${session.platform.api.baseUrl}/ops/login`);
  await signInThroughTheForm(...adminCredentials());
  await session.page.waitForURL(/\/ops\/queues/);
  await session.page.goto(`${session.platform.api.baseUrl}/ops/login`);
  await expectVisibleText(session.page.locator('.signed-in'), 'Signed in as admin@example.com');
  await session.page.getByRole('button', { name: 'Sign out' }).click();
  await session.page.waitForURL(/\/ops\/login\?signed-out=1$/);
  await expectVisibleText(session.page.locator('[role=status]'), 'You are signed out.');
  await session.page.goto(dashboardUrl());
  await session.page.waitForURL(/\/ops\/login$/);
});

/** Waits for the element to show the text (Playwright's waiting, no sleeps). */
async function expectVisibleText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
}
