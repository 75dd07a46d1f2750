import { MailDataRequired, MailService } from '@sendgrid/mail';
import { networkFailure, ProviderSendError, stringProperty } from '../provider-failure';
import { EmailProvider, EmailSendResult, OutboundEmail } from './email-provider';

export interface SendGridEmailProviderOptions {
  /** Time allowed for one API call; default 10 s. A timeout is a transient failure. */
  timeoutMs?: number;
}

export const SENDGRID_DEFAULT_TIMEOUT_MS = 10_000;

/** The custom arg that SendGrid echoes back in every event-webhook event. */
export const SENDGRID_NOTIFICATION_ID_ARG = 'notificationId';

/**
 * Sends through SendGrid's v3 Mail Send API with its own `MailService` instance (never the
 * SDK's shared singleton, so two providers with different keys cannot interfere).
 *
 * The notification id goes into `customArgs`, which SendGrid puts on every webhook event.
 * The `X-Message-Id` of the 202 answer is returned as `providerMessageId` (it is the prefix
 * of the events' `sg_message_id`). Failures become `ProviderSendError`: 408, 429, 5xx,
 * network errors and timeouts are transient; other 4xx are permanent and carry SendGrid's
 * error messages.
 */
export class SendGridEmailProvider implements EmailProvider {
  readonly name = 'sendgrid';
  private readonly mail: MailService;

  constructor(apiKey: string, options: SendGridEmailProviderOptions = {}) {
    if (typeof apiKey !== 'string' || apiKey.trim() === '') {
      throw new TypeError('SendGridEmailProvider needs an API key');
    }
    const timeoutMs = options.timeoutMs ?? SENDGRID_DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError(`SendGridEmailProvider timeoutMs must be a positive integer, got ${String(options.timeoutMs)}`);
    }
    this.mail = new MailService();
    this.mail.setApiKey(apiKey.trim());
    this.mail.setTimeout(timeoutMs);
  }

  async send(email: OutboundEmail): Promise<EmailSendResult> {
    let response: Awaited<ReturnType<MailService['send']>>[0];
    try {
      [response] = await this.mail.send(toSendGridMail(email));
    } catch (error) {
      throw toProviderSendError(error);
    }
    return { providerMessageId: headerValue(response.headers, 'x-message-id') };
  }
}

function toSendGridMail(email: OutboundEmail): MailDataRequired {
  return {
    to: address(email.to),
    from: address(email.from),
    ...(email.replyTo ? { replyTo: address(email.replyTo) } : {}),
    subject: email.subject,
    text: email.text,
    html: email.html,
    customArgs: { [SENDGRID_NOTIFICATION_ID_ARG]: email.notificationId },
    ...(email.attachments && email.attachments.length > 0
      ? {
          attachments: email.attachments.map((attachment) => ({
            content: attachment.content.toString('base64'),
            filename: attachment.filename,
            type: attachment.contentType,
            disposition: 'attachment',
          })),
        }
      : {}),
  };
}

function address(value: { email: string; name?: string }): { email: string; name?: string } {
  return value.name ? { email: value.email, name: value.name } : { email: value.email };
}

/**
 * Maps what `@sendgrid/mail` rejects with. Only our own message is kept: the SDK's errors
 * hold the request config (with the API key), so they are not attached as `cause`.
 */
function toProviderSendError(error: unknown): ProviderSendError {
  const httpStatus = responseStatus(error);
  if (httpStatus !== undefined) {
    const transient = httpStatus === 408 || httpStatus === 429 || httpStatus >= 500;
    const details = sendGridMessages((error as { response: { body?: unknown } }).response.body);
    const message = `SendGrid answered HTTP ${httpStatus}${details.length > 0 ? `: ${details.join('; ')}` : ''}`;
    return new ProviderSendError(message, transient, undefined, httpStatus);
  }
  const unreachable = networkFailure('SendGrid', error);
  if (unreachable) return unreachable;
  const code = stringProperty(error, 'code');
  const message = stringProperty(error, 'message') ?? String(error);
  // Thrown before any request, by the SDK checking the mail it was given: retrying won't help.
  return new ProviderSendError(`SendGrid refused to build the request: ${message}`, false, code);
}

/** A `ResponseError` from @sendgrid/client: `code` is the HTTP status, `response.body` the answer. */
function responseStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, response } = error as { code?: unknown; response?: unknown };
  return typeof code === 'number' && typeof response === 'object' && response !== null ? code : undefined;
}

/** SendGrid answers `{"errors":[{"message","field","help"}]}`. */
function sendGridMessages(body: unknown): string[] {
  const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (Array.isArray(errors)) {
    return errors
      .map((entry: unknown) => {
        const message = stringProperty(entry, 'message');
        const field = stringProperty(entry, 'field');
        if (!message) return undefined;
        return field ? `${message} (field ${field})` : message;
      })
      .filter((line): line is string => line !== undefined);
  }
  if (typeof body === 'string' && body.trim() !== '') return [body.trim().slice(0, 500)];
  return [];
}

function headerValue(headers: unknown, name: string): string | null {
  if (typeof headers !== 'object' || headers === null) return null;
  const getter = (headers as { get?: unknown }).get;
  let value: unknown = typeof getter === 'function' ? getter.call(headers, name) : undefined;
  if (value === undefined || value === null) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : (headers as Record<string, unknown>)[key];
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' && value !== '' ? value : null;
}
