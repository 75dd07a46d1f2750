import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * What every staff-app browser spec does on each screen: an accessibility check with axe-core
 * (no serious or critical violation) and a screenshot kept as a file for people to look at.
 */

/** Where the screenshots go: `test-results/screenshots/<screen>-<width>.png` (CI keeps the folder). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '..', 'test-results', 'screenshots');

let axeSource: string | undefined;

/** What the page's `axe` global offers (evaluated in the browser; this file is compiled without the DOM's types). */
declare const axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };
declare const document: unknown;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the app's CSP is not
 * touched) and answers the serious and critical violations, each as one readable line.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** The screen as the viewport shows it, full page, as `<screen>-<width>.png`. */
export async function screenshot(page: Page, screen: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${screen}-${page.viewportSize()?.width ?? 0}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Both, for one screen once it shows what it should: no serious violation, and its picture. */
export async function checkScreen(page: Page, screen: string): Promise<void> {
  const violations = await seriousAccessibilityViolations(page);
  expect({ screen, width: page.viewportSize()?.width, violations }).toEqual({ screen, width: page.viewportSize()?.width, violations: [] });
  await screenshot(page, screen);
}

/** Signs in through the app's own form, as staff do, and waits for the signed-in shell. */
export async function signIn(page: Page, baseUrl: string, credentials: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
