import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { Platform, startPlatform } from '../../e2e/support/platform';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserSession {
  platform: Platform;
  browser: Browser;
  /** A fresh context and page for each test. */
  context: BrowserContext;
  page: Page;
}

/**
 * Registers the hooks every browser spec needs and returns what they set up: Debian's
 * Chromium (playwright-core, headless) and one platform for the file; a fresh context and page
 * per test; and after each test, no Content-Security-Policy violation reported by the page.
 */
export function browserSession(
  label: string,
  viewport: { width: number; height: number },
  env: Record<string, string> = {},
): BrowserSession {
  const session = {} as BrowserSession;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    session.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    session.platform = await startPlatform(label, env);
  });

  afterAll(async () => {
    await session.browser?.close();
    await session.platform?.stop();
  });

  beforeEach(async () => {
    session.context = await session.browser.newContext({ viewport });
    session.page = await session.context.newPage();
    session.page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterEach(async () => {
    await session.context?.close();
    expect(cspViolations).toEqual([]);
    cspViolations.length = 0;
  });

  return session;
}
