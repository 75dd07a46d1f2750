import { escapeHtml } from '@appointments/landing-page';
import { OPS_DASHBOARD_PATH } from './ops-access';

/** The hidden field of the sign-in form's anti-forgery token (as on the landing pages). */
export const OPS_CSRF_FIELD_NAME = '_csrf';

export interface OpsLoginPageView {
  nonce: string;
  /** The form token; null on a page without the form (a form that cannot be posted). */
  csrfToken: string | null;
  /** Shown above the form: why the last attempt failed, or that the session ended. */
  message?: { kind: 'error' | 'info'; text: string };
  email?: string;
  /** The admin already signed in in this browser: the page offers the dashboard and a sign-out button. */
  signedInAs?: string | null;
}

/**
 * The ops sign-in page: server-rendered, no script, one style element with the response's CSP
 * nonce. A form posting email and password to `/ops/login`, and a sign-out button when this
 * browser already holds a session.
 */
export function renderOpsLoginPage(view: OpsLoginPageView): string {
  const nonce = escapeHtml(view.nonce);
  const message = view.message
    ? `<p class="msg msg--${view.message.kind}" role="${view.message.kind === 'error' ? 'alert' : 'status'}">${escapeHtml(view.message.text)}</p>`
    : '';
  const csrf = view.csrfToken ? `<input type="hidden" name="${OPS_CSRF_FIELD_NAME}" value="${escapeHtml(view.csrfToken)}">` : '';
  const signedIn = view.signedInAs
    ? `<section class="signed-in"><p>Signed in as <strong>${escapeHtml(view.signedInAs)}</strong>. <a href="${OPS_DASHBOARD_PATH}">Open the queues dashboard</a></p>
<form method="post" action="/ops/logout">${csrf}<button type="submit" class="secondary">Sign out</button></form></section>`
    : '';
  const form = view.csrfToken
    ? `<form method="post" action="/ops/login" class="login">${csrf}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required maxlength="320" value="${escapeHtml(view.email ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
<button type="submit">Sign in</button></form>`
    : `<p><a href="/ops/login">Open the sign-in form again</a></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Ops sign-in · Appointments</title>
<style nonce="${nonce}">
body{font:16px/1.5 system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem;color:#111}
h1{font-size:1.4rem}label{display:block;margin-top:.75rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.5rem;font:inherit;border:1px solid #888;border-radius:4px}
button{margin-top:1rem;padding:.5rem 1.25rem;font:inherit;border:0;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111}.msg{padding:.5rem .75rem;border-radius:4px}
.msg--error{background:#fee2e2;color:#7f1d1d}.msg--info{background:#e0f2fe;color:#0c4a6e}.signed-in{margin-bottom:2rem}a{color:#1d4ed8}
</style></head>
<body><main><h1>Ops sign-in</h1><p>The queues dashboard is for admin staff. Sign in with your staff account.</p>
${message}${signedIn}${form}</main></body></html>`;
}
