import { escapeHtml } from './html-escape';
import { compile } from 'html-to-text';
import { readHttpUrl } from './http-url';
import { DEFAULT_LOCALE, NotificationContext, placeholderValues, TemplatePlaceholder } from './placeholders';
import { parseTemplate, renderParts, TemplatePart } from './template';
import { collectProblems, TemplateRenderError } from './template-render-error';
import { plainLine } from './plain-line';

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

/** The rows of the calendar block, in order. */
export type CalendarBlockRow = 'date' | 'time' | 'duration' | 'location';

/** Who the email is from, shown as a header above the body. */
export interface EmailSender {
  /** Shown next to the image, and the image's alt text. */
  name: string;
  /** Absolute http(s) URL of a logo or photo, shown at most 48px high. */
  imageUrl?: string | null;
}

export interface RenderEmailOptions {
  /** The only source of action buttons: a body never adds any. */
  buttons?: readonly ActionButton[];
  /** `#rgb` or `#rrggbb`; default `#2563eb`. */
  buttonColor?: string;
  /**
   * Show the meeting's date, time (with its time zone), duration and location as a tile
   * between the body and the buttons, and as lines in the text part. The values are the
   * same placeholder values the body gets; the location row is left out when there is
   * neither a location nor a video link.
   */
  calendarBlock?: boolean;
  /** Row labels instead of the English defaults (`DEFAULT_CALENDAR_BLOCK_LABELS`); a blank label counts as not given. */
  calendarBlockLabels?: Readonly<Partial<Record<CalendarBlockRow, string | null>>>;
  /** The calendar block's accent, `#rgb` or `#rrggbb`; default `#0f766e`. */
  calendarColor?: string;
  /** A header with the sender's image and name above the body. */
  sender?: EmailSender | null;
}

export const DEFAULT_BUTTON_COLOR = '#2563eb';
export const DEFAULT_CALENDAR_COLOR = '#0f766e';
export const DEFAULT_CALENDAR_BLOCK_LABELS: Readonly<Record<CalendarBlockRow, string>> = {
  date: 'Date',
  time: 'Time',
  duration: 'Duration',
  location: 'Location',
};

/** For a URL we place in a quoted attribute ourselves: keeps `=` readable for link trackers. */
const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Renders an email from a notification config's subject and body templates.
 *
 * - `subject`: plain text; CR, LF and other line breaks become spaces (no header injection).
 * - `html`: the staff-authored body with every placeholder value HTML-escaped, inside a
 *   responsive 600px layout: the sender header (`options.sender`), the body, the calendar
 *   block (`options.calendarBlock`), then `options.buttons` as table-based link buttons.
 * - `text`: the body converted to plain text, then one `Label: value` line per calendar
 *   block row, then one `Label: url` line per button.
 *
 * Throws `TemplateRenderError` (code `invalid_input`) listing every problem found.
 */
export function renderEmail(
  config: { emailSubject: string; emailBody: string },
  ctx: NotificationContext,
  options: RenderEmailOptions = {},
): EmailContent {
  const problems: string[] = [];
  const subjectParts = collectProblems(() => parseTemplate(config.emailSubject, 'emailSubject'), problems);
  const bodyParts = collectProblems(() => parseTemplate(config.emailBody, 'emailBody'), problems);
  const buttons = checkButtons(options.buttons ?? [], problems);
  const buttonColor = checkColor('buttonColor', options.buttonColor, DEFAULT_BUTTON_COLOR, problems);
  const calendarColor = checkColor('calendarColor', options.calendarColor, DEFAULT_CALENDAR_COLOR, problems);
  const sender = options.sender == null ? null : checkSender(options.sender, problems);
  if (problems.length > 0 || !subjectParts || !bodyParts) throw new TemplateRenderError(problems);

  const values = placeholderValues(ctx);
  const subject = plainLine(renderParts(subjectParts, values, { text: identity, value: identity }));
  const bodyHtml = renderBodyHtml(bodyParts, values);
  const calendarRows = options.calendarBlock === true ? calendarBlockRows(values, options.calendarBlockLabels ?? {}) : [];

  return {
    subject,
    html: layout({
      subject,
      lang: ctx.locale ?? DEFAULT_LOCALE,
      senderHtml: sender ? senderHtml(sender) : '',
      bodyHtml,
      calendarHtml: calendarRows.length > 0 ? calendarBlockHtml(calendarRows, calendarColor) : '',
      buttonsHtml: buttons.map((button) => buttonHtml(button, buttonColor)).join('\n'),
    }),
    text: plainText(bodyHtml, calendarRows, buttons),
  };
}

const identity = (value: string): string => value;

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
    const url = readHttpUrl(button?.url)?.href;
    if (!url) problems.push(`buttons[${index}]: "${String(button?.url)}" is not an http or https URL`);
    if (label && url) checked.push({ label, url });
  });
  return checked;
}

function checkColor(field: string, value: string | undefined, fallback: string, problems: string[]): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) return value.toLowerCase();
  problems.push(`${field}: "${String(value)}" is not a #rgb or #rrggbb colour`);
  return fallback;
}

function checkSender(sender: EmailSender, problems: string[]): { name: string; imageUrl: string | null } {
  const name = typeof sender.name === 'string' ? plainLine(sender.name) : '';
  if (!name) problems.push('sender.name: is empty');
  const hasImage = sender.imageUrl != null && sender.imageUrl.trim() !== '';
  const imageUrl = hasImage ? (readHttpUrl(sender.imageUrl)?.href ?? null) : null;
  if (hasImage && !imageUrl) problems.push(`sender.imageUrl: "${String(sender.imageUrl)}" is not an http or https URL`);
  return { name, imageUrl };
}

interface CalendarRow {
  label: string;
  value: string;
}

function calendarBlockRows(
  values: Readonly<Record<TemplatePlaceholder, string>>,
  labels: Readonly<Partial<Record<CalendarBlockRow, string | null>>>,
): CalendarRow[] {
  const row = (name: CalendarBlockRow, value: string): CalendarRow => ({
    label: plainLine(labels[name] ?? '') || DEFAULT_CALENDAR_BLOCK_LABELS[name],
    value: plainLine(value),
  });
  const rows = [row('date', values.date), row('time', `${values.time} (${values.timeZone})`), row('duration', values.duration)];
  return values.location.trim() ? [...rows, row('location', values.location)] : rows;
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

/** Image (if any) and name side by side; the image is capped at 48px high. */
function senderHtml(sender: { name: string; imageUrl: string | null }): string {
  const name = escapeHtml(sender.name);
  const image = sender.imageUrl
    ? `<td style="padding:0 12px 0 0;vertical-align:middle;"><img src="${escapeAttribute(sender.imageUrl)}" alt="${name}" style="display:block;max-height:48px;width:auto;border:0;outline:none;text-decoration:none;"></td>\n`
    : '';
  return [
    '<table role="presentation" border="0" cellpadding="0" cellspacing="0">',
    `<tr>${image}<td style="vertical-align:middle;${FONT};font-size:18px;font-weight:bold;line-height:24px;color:#111827;">${name}</td></tr>`,
    '</table>',
  ].join('\n');
}

/** A tile with a coloured bar on its left (a table cell, so Outlook draws it too), one row per value. */
function calendarBlockHtml(rows: readonly CalendarRow[], color: string): string {
  const cells = rows
    .map(
      (row) =>
        `<tr><td style="padding:4px 16px 4px 0;vertical-align:top;${FONT};font-size:14px;line-height:20px;color:#4b5563;white-space:nowrap;">${escapeHtml(row.label)}</td>` +
        `<td style="padding:4px 0;vertical-align:top;${FONT};font-size:14px;line-height:20px;color:#111827;font-weight:bold;">${escapeHtml(row.value)}</td></tr>`,
    )
    .join('\n');
  return [
    '<table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background-color:#f9fafb;">',
    `<tr><td width="4" bgcolor="${color}" style="width:4px;background-color:${color};font-size:0;line-height:0;">&nbsp;</td>`,
    '<td style="padding:12px 16px;">',
    '<table role="presentation" border="0" cellpadding="0" cellspacing="0">',
    cells,
    '</table>',
    '</td></tr>',
    '</table>',
  ].join('\n');
}

function layout(input: {
  subject: string;
  lang: string;
  senderHtml: string;
  bodyHtml: string;
  calendarHtml: string;
  buttonsHtml: string;
}): string {
  const row = (padding: string, html: string) => (html ? `<tr><td style="padding:${padding};">\n${html}\n</td></tr>\n` : '');
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
${row('24px 24px 0 24px', input.senderHtml)}<tr><td style="padding:24px;${FONT};font-size:16px;line-height:1.5;color:#111827;word-break:break-word;">
${input.bodyHtml}
</td></tr>
${row('0 24px 24px 24px', input.calendarHtml)}${row('0 24px 12px 24px', input.buttonsHtml)}</table>
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

function plainText(bodyHtml: string, calendarRows: readonly CalendarRow[], buttons: readonly ActionButton[]): string {
  const body = htmlToText(bodyHtml).trim();
  const calendar = calendarRows.map((row) => `${row.label}: ${row.value}`);
  const links = buttons.map((button) => `${button.label}: ${button.url}`);
  return [body, calendar.join('\n'), links.join('\n')].filter((section) => section.length > 0).join('\n\n') + '\n';
}
