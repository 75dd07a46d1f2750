import { DEFAULT_REPLY_CODES, ResponseType, SmsReplyCode } from '@appointments/domain';
import { readHttpUrl } from './http-url';
import { NotificationContext, placeholderValues } from './placeholders';
import { parseTemplate, renderParts, TemplatePart } from './template';
import { collectProblems, TemplateRenderError } from './template-render-error';

/** What a customer can answer by SMS (the domain's response types). */
export type ReplyAction = ResponseType;

/** A reply code: the customer texts `code` to give `action` (the domain's code table entry). */
export type ReplyCode = Pick<SmsReplyCode, 'code' | 'action'>;

export interface ComposeSmsOptions {
  /** The recipient's landing page; when given it is also the value of `{{landingUrl}}`. */
  landingUrl?: string | null;
  /** The codes to list in the reply hint, in this order; none (or an empty list) for no hint. */
  replyCodes?: readonly ReplyCode[] | null;
}

/** 1 accept, 2 reschedule, 3 decline: the domain's default table. */
export { DEFAULT_REPLY_CODES };

/** Twilio's maximum body. Counted in UTF-16 code units, never fewer than characters. */
export const MAX_SMS_LENGTH = 1600;

const REPLY_VERBS: Readonly<Record<ReplyAction, string>> = { accept: 'confirm', decline: 'decline', reschedule: 'reschedule' };

/**
 * Renders an SMS text. SMS is plain text: values are inserted as they are (no HTML
 * escaping: "Smith & Sons" stays "Smith & Sons"), line breaks in the template are kept,
 * and only outer whitespace is trimmed. Throws `TemplateRenderError` for a bad template.
 */
export function renderSms(smsBody: string, ctx: NotificationContext): string {
  return renderSmsText(parseTemplate(smsBody, 'smsBody'), ctx);
}

/**
 * The whole SMS to send: the rendered body (as `renderSms`), then
 *
 * 1. the landing link on its own line, when `options.landingUrl` is given and the template
 *    does not already place it with `{{landingUrl}}`;
 * 2. the reply hint on its own line, when `options.replyCodes` has codes:
 *    `Reply 1 to confirm, 2 to reschedule, 3 to decline` (in the list's order; accept reads
 *    "confirm"). The hint is English.
 *
 * Throws `TemplateRenderError` listing every problem: a bad template, a landing URL that is
 * not http(s), a reply code that is empty or has an unknown action, and a result longer than
 * `MAX_SMS_LENGTH` (1600).
 */
export function composeSms(smsBody: string, ctx: NotificationContext, options: ComposeSmsOptions = {}): string {
  const problems: string[] = [];
  const parts = collectProblems(() => parseTemplate(smsBody, 'smsBody'), problems);
  const landingUrl = options.landingUrl == null ? null : options.landingUrl.trim();
  if (landingUrl !== null && !readHttpUrl(landingUrl)) problems.push(`landingUrl: "${landingUrl}" is not an http or https URL`);
  const hint = replyHint(options.replyCodes ?? [], problems);
  if (problems.length > 0 || !parts) throw new TemplateRenderError(problems);

  const body = renderSmsText(parts, landingUrl === null ? ctx : { ...ctx, landingUrl });
  const placesLink = parts.some((part) => part.kind === 'placeholder' && part.name === 'landingUrl');
  const link = landingUrl !== null && !placesLink ? landingUrl : '';
  const sms = [body, link, hint].filter((line) => line !== '').join('\n');
  if (sms.length > MAX_SMS_LENGTH) {
    throw new TemplateRenderError([
      `smsBody: the message is ${sms.length} characters long with its link and reply hint; an SMS can have at most ${MAX_SMS_LENGTH}`,
    ]);
  }
  return sms;
}

function renderSmsText(parts: readonly TemplatePart[], ctx: NotificationContext): string {
  return renderParts(parts, placeholderValues(ctx), { text: asIs, value: asIs }).trim();
}

const asIs = (value: string): string => value;

function replyHint(codes: readonly ReplyCode[], problems: string[]): string {
  const offers = codes.map((reply, index) => {
    const code = typeof reply?.code === 'string' ? reply.code.trim() : '';
    if (!code || /\s/.test(code)) problems.push(`replyCodes[${index}]: "${String(reply?.code)}" is not a one-word code`);
    const verb = Object.prototype.hasOwnProperty.call(REPLY_VERBS, reply?.action) ? REPLY_VERBS[reply.action] : null;
    if (!verb) problems.push(`replyCodes[${index}]: "${String(reply?.action)}" is not accept, decline or reschedule`);
    return `${code} to ${verb}`;
  });
  return offers.length > 0 ? `Reply ${offers.join(', ')}` : '';
}
