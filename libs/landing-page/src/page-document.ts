import { TemplateRenderError } from '@appointments/notification-content';
import { BASE_STYLESHEET } from './base-stylesheet';
import { sanitiseCustomCss } from './custom-css';
import { escapeHtml } from './html';
import type { CsrfField, PageFrame } from './landing-view';

const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const LANG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;
const CSRF_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A complete HTML document: no script of any kind, the base stylesheet in a nonce'd `<style>`,
 * then the sanitised custom CSS (when any is left) in a second one, so custom rules win over
 * the base ones of the same specificity. `body` is HTML built by the pages (every value in it
 * already escaped). Throws `TemplateRenderError` for a nonce that is not base64.
 */
export function pageDocument(input: { frame: PageFrame; title: string; body: string; customCss?: string | null }): string {
  const { nonce } = input.frame;
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) {
    throw new TemplateRenderError(['nonce: must be at least 16 base64 characters']);
  }
  const lang = typeof input.frame.lang === 'string' && LANG.test(input.frame.lang) ? input.frame.lang : 'en';
  const custom = sanitiseCustomCss(input.customCss).css;
  const customStyle = custom ? `\n<style nonce="${escapeHtml(nonce)}">\n${custom}\n</style>` : '';
  return `<!DOCTYPE html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="color-scheme" content="light">
<title>${escapeHtml(input.title)}</title>
<style nonce="${escapeHtml(nonce)}">
${BASE_STYLESHEET}
</style>${customStyle}
</head>
<body>
<main class="lp-page">
<div class="lp-card">
${input.body}
</div>
</main>
</body>
</html>
`;
}

/** The hidden anti-forgery input. Throws `TemplateRenderError` for a field name that is not a plain word. */
export function csrfInput(csrf: CsrfField): string {
  if (typeof csrf?.name !== 'string' || !CSRF_NAME.test(csrf.name) || typeof csrf.value !== 'string' || csrf.value === '') {
    throw new TemplateRenderError(['csrf: needs a name of letters, digits, "_" or "-" and a non-empty value']);
  }
  return `<input type="hidden" name="${escapeHtml(csrf.name)}" value="${escapeHtml(csrf.value)}">`;
}

/** Throws `TemplateRenderError` for an empty token. */
export function checkToken(token: unknown): string {
  if (typeof token !== 'string' || token === '') throw new TemplateRenderError(['token: is empty']);
  return token;
}
