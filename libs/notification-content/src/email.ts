import Handlebars from 'handlebars';
import { compile } from 'html-to-text';
import { DEFAULT_LOCALE, NotificationContext, placeholderValues } from './placeholders';
import { parseTemplate, renderParts, TemplatePart } from './template';
import { TemplateRenderError } from './template-render-error';

/** A link button under the email body (accept, decline, view details, …). */
export interface ActionButton {
  label: string;
  /** Absolute http(s) URL; anything else is refused. */
  url: string;
}

export interface EmailContent {
  /** Plain text, one line. */
  subject: string;
  /** A complete HTML document. */
  html: string;
  /** The plain-text alternative. */
  text: string;
}

export interface RenderEmailOptions {
  /** The only source of action buttons: a body never adds any. */
  buttons?: readonly ActionButton[];
  /** `#rgb` or `#rrggbb`; default `#2563eb`. */
  buttonColor?: string;
}

export const DEFAULT_BUTTON_COLOR = '#2563eb';

/** Handlebars' escaping (& < > " ' ` =): also safe inside an attribute a template left unquoted. */
const escapeHtml = (value: string): string => Handlebars.escapeExpression(value);

/** For a URL we place in a quoted attribute ourselves: keeps `=` readable for link trackers. */
const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Renders an email from a notification config's subject and body templates.
 *
 * - `subject`: plain text; CR, LF and other line breaks become spaces (no header injection).
 * - `html`: the staff-authored body with every placeholder value HTML-escaped, inside a
 *   responsive 600px layout, followed by `options.buttons` as table-based link buttons.
 * - `text`: the body converted to plain text, then one `Label: url` line per button.
 *
 * Throws `TemplateRenderError` (code `invalid_input`) listing every problem found.
 */
export function renderEmail(
  config: { emailSubject: string; emailBody: string },
  ctx: NotificationContext,
  options: RenderEmailOptions = {},
): EmailContent {
  const problems: string[] = [];
  const subjectParts = collect(() => parseTemplate(config.emailSubject, 'emailSubject'), problems);
  const bodyParts = collect(() => parseTemplate(config.emailBody, 'emailBody'), problems);
  const buttons = checkButtons(options.buttons ?? [], problems);
  const color = checkColor(options.buttonColor, problems);
  if (problems.length > 0 || !subjectParts || !bodyParts) throw new TemplateRenderError(problems);

  const values = placeholderValues(ctx);
  const subject = plainLine(renderParts(subjectParts, values, { text: identity, value: identity }));
  const bodyHtml = renderBodyHtml(bodyParts, values);

  return {
    subject,
    html: layout({ subject, bodyHtml, buttons, color, lang: ctx.locale ?? DEFAULT_LOCALE }),
    text: plainText(bodyHtml, buttons),
  };
}

const identity = (value: string): string => value;

function collect<T>(run: () => T, problems: string[]): T | null {
  try {
    return run();
  } catch (error) {
    if (error instanceof TemplateRenderError) {
      problems.push(...error.problems);
      return null;
    }
    throw error;
  }
}

/** A subject is one header line: no CR/LF (nor other line separators), no control characters. */
function plainLine(value: string): string {
  return value
    .replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u001F\u007F]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Tags after which the author controls line breaks; without any, newlines become <br>. */
const STRUCTURE_TAG = /<\s*(?:p|div|br|hr|table|tr|td|th|thead|tbody|ul|ol|li|h[1-6]|blockquote|pre|section|article|header|footer)\b/i;
const NEWLINE = /\r\n|\r|\n/g;

function renderBodyHtml(parts: readonly TemplatePart[], values: Readonly<Record<string, string>>): string {
  const authorBreaksLines = parts.some((part) => part.kind === 'text' && STRUCTURE_TAG.test(part.text));
  return renderParts(parts, values, {
    text: authorBreaksLines ? identity : (literal) => literal.replace(NEWLINE, '<br>\n'),
    // A value is text (a multi-line description, say): escape it, then keep its line breaks.
    value: (value) => escapeHtml(value).replace(NEWLINE, '<br>\n'),
  }).trim();
}

function checkButtons(buttons: readonly ActionButton[], problems: string[]): ActionButton[] {
  if (!Array.isArray(buttons)) {
    problems.push('buttons: must be a list');
    return [];
  }
  const checked: ActionButton[] = [];
  buttons.forEach((button, index) => {
    const label = typeof button?.label === 'string' ? plainLine(button.label) : '';
    if (!label) problems.push(`buttons[${index}]: the label is empty`);
    const url = safeHttpUrl(button?.url);
    if (!url) problems.push(`buttons[${index}]: "${String(button?.url)}" is not an http or https URL`);
    if (label && url) checked.push({ label, url });
  });
  return checked;
}

function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

function checkColor(value: string | undefined, problems: string[]): string {
  if (value === undefined) return DEFAULT_BUTTON_COLOR;
  if (typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) return value.toLowerCase();
  problems.push(`buttonColor: "${String(value)}" is not a #rgb or #rrggbb colour`);
  return DEFAULT_BUTTON_COLOR;
}

/** White text on dark buttons, near-black on light ones (WCAG relative luminance). */
function labelColorFor(background: string): string {
  const hex = background.length === 4 ? background.replace(/^#(.)(.)(.)$/, '#$1$1$2$2$3$3') : background;
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.45 ? '#111827' : '#ffffff';
}

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function buttonHtml(button: ActionButton, color: string): string {
  const label = escapeHtml(button.label);
  const href = escapeAttribute(button.url);
  const textColor = labelColorFor(color);
  return [
    '<table role="presentation" border="0" cellpadding="0" cellspacing="0" style="border-collapse:separate;margin:0 0 12px 0;">',
    `<tr><td align="center" bgcolor="${color}" style="border-radius:6px;background-color:${color};">`,
    `<a href="${href}" target="_blank" rel="noopener noreferrer" style="display:inline-block;padding:12px 24px;border:1px solid ${color};border-radius:6px;background-color:${color};color:${textColor};${FONT};font-size:16px;font-weight:bold;line-height:20px;text-decoration:none;">${label}</a>`,
    '</td></tr>',
    '</table>',
  ].join('\n');
}

function layout(input: { subject: string; bodyHtml: string; buttons: readonly ActionButton[]; color: string; lang: string }): string {
  const buttonsRow =
    input.buttons.length === 0
      ? ''
      : `<tr><td style="padding:0 24px 12px 24px;">\n${input.buttons.map((button) => buttonHtml(button, input.color)).join('\n')}\n</td></tr>\n`;
  return `<!DOCTYPE html>
<html lang="${escapeHtml(input.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${escapeHtml(input.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background-color:#ffffff;border-radius:8px;">
<tr><td style="padding:24px;${FONT};font-size:16px;line-height:1.5;color:#111827;word-break:break-word;">
${input.bodyHtml}
</td></tr>
${buttonsRow}</table>
</td></tr>
</table>
</body>
</html>
`;
}

/** Built once: `convert()` would rebuild the converter on every email (about 0.5 ms each). */
const htmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

function plainText(bodyHtml: string, buttons: readonly ActionButton[]): string {
  const body = htmlToText(bodyHtml).trim();
  const lines = buttons.map((button) => `${button.label}: ${button.url}`);
  return [body, lines.join('\n')].filter((section) => section.length > 0).join('\n\n') + '\n';
}
