/**
 * The staff web app's initial download: the JavaScript that `dist/apps/staff-web/index.html`
 * loads before the first screen (its module scripts and modulepreload links), gzipped as a
 * server would send it. The routes are lazy-loaded and not counted. Fails above the budget.
 *
 * Run: `npm run bench:bundle` (builds the app first). Knob: STAFF_WEB_BUDGET_KB (default 250).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '..', 'dist', 'apps', 'staff-web');
const budgetKb = Number(process.env.STAFF_WEB_BUDGET_KB ?? 250);
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const initial = new Set();
for (const match of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) initial.add(match[1]);
for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) initial.add(match[1]);
const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((match) => match[1]);

const sizeOf = (href) => {
  const bytes = readFileSync(join(dist, href.replace(/^\//, '')));
  return { href, raw: bytes.length / 1024, gzip: gzipSync(bytes, { level: 9 }).length / 1024 };
};
const scripts = [...initial].map(sizeOf);
const css = styles.map(sizeOf);
const total = scripts.reduce((sum, file) => sum + file.gzip, 0);

const row = (file) => `  ${file.href.padEnd(48)} ${file.raw.toFixed(1).padStart(8)} KB ${file.gzip.toFixed(1).padStart(8)} KB gzip`;
process.stdout.write(
  `Staff web app, initial JavaScript (index.html scripts and modulepreloads):\n${scripts.map(row).join('\n')}\n` +
    `  total ${total.toFixed(1)} KB gzip (budget ${budgetKb} KB)\n` +
    (css.length ? `Stylesheets (not in the budget):\n${css.map(row).join('\n')}\n` : ''),
);
if (scripts.length === 0) {
  process.stderr.write('No module script found in index.html: is the app built?\n');
  process.exit(1);
}
if (total > budgetKb) {
  process.stderr.write(`Over budget: ${total.toFixed(1)} KB > ${budgetKb} KB gzip\n`);
  process.exit(1);
}
