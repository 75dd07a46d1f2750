import { hasE164Shape } from '@appointments/contracts';
import twilio from 'twilio';
import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message';
import { isAxiosError, networkFailure, numberProperty, ProviderSendError, stringProperty } from '../provider-failure';
import { OutboundSms, SmsProvider, SmsSendResult } from './sms-provider';

export interface TwilioSmsProviderOptions {
  /** Account SID (`AC` + 32 hex digits); also the basic-auth user name. */
  accountSid: string;
  authToken: string;
  /**
   * The sender: an E.164 number (`+15005550006`), sent as `From`, or a Messaging Service
   * SID (`MG` + 32 hex digits), sent as `MessagingServiceSid` so Twilio picks the number.
   */
  from: string;
  /** Where Twilio posts this message's delivery statuses; set on every send. */
  statusCallbackUrl: (notificationId: string) => string;
  /** Time allowed for one API call; default 10 s. A timeout is a transient failure. */
  timeoutMs?: number;
}

export const TWILIO_DEFAULT_TIMEOUT_MS = 10_000;

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

/**
 * Sends through Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`) with
 * the official SDK. Each send carries `StatusCallback` (the URL for this notification), so
 * delivery statuses come back to us; the message SID (`SM…`) is the `providerMessageId`.
 *
 * The SDK's own 429 retry is off: the delivery layer retries with backoff and records every
 * attempt. Failures become `ProviderSendError` with Twilio's code and message: 408, 429, 5xx,
 * network errors and timeouts are transient; other 4xx are permanent (opted-out recipient
 * 21610, invalid number 21211, landline 21614, region not enabled 21408, bad credentials
 * 20003, …), except 21611 (the sender's queue is full), which clears by itself.
 */
export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio';
  private readonly client: twilio.Twilio;
  private readonly sender: Pick<MessageListInstanceCreateOptions, 'from' | 'messagingServiceSid'>;
  private readonly statusCallbackUrl: (notificationId: string) => string;

  constructor(options: TwilioSmsProviderOptions) {
    const accountSid = options.accountSid?.trim() ?? '';
    const authToken = options.authToken?.trim() ?? '';
    const from = options.from?.trim() ?? '';
    if (!ACCOUNT_SID.test(accountSid)) {
      throw new TypeError('TwilioSmsProvider needs an account SID (AC followed by 32 hex digits)');
    }
    if (authToken === '') throw new TypeError('TwilioSmsProvider needs an auth token');
    if (MESSAGING_SERVICE_SID.test(from)) {
      this.sender = { messagingServiceSid: from };
    } else if (hasE164Shape(from)) {
      this.sender = { from };
    } else {
      throw new TypeError(
        `TwilioSmsProvider "from" must be an E.164 number (+15005550006) or a Messaging Service SID (MG followed by 32 hex digits), got "${from}"`,
      );
    }
    if (typeof options.statusCallbackUrl !== 'function') {
      throw new TypeError('TwilioSmsProvider needs statusCallbackUrl(notificationId)');
    }
    const timeoutMs = options.timeoutMs ?? TWILIO_DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError(`TwilioSmsProvider timeoutMs must be a positive integer, got ${String(options.timeoutMs)}`);
    }
    this.statusCallbackUrl = options.statusCallbackUrl;
    // `timeout` is both the socket timeout and the per-request timeout of the SDK's client.
    this.client = twilio(accountSid, authToken, { timeout: timeoutMs, autoRetry: false });
  }

  async send(sms: OutboundSms): Promise<SmsSendResult> {
    let sid: string;
    try {
      const message = await this.client.messages.create({
        to: sms.to,
        ...this.sender,
        body: sms.body,
        statusCallback: this.statusCallbackUrl(sms.notificationId),
      });
      sid = message.sid;
    } catch (error) {
      throw toProviderSendError(error);
    }
    return { providerMessageId: typeof sid === 'string' && sid !== '' ? sid : null };
  }
}

/** What a refusal means, for the Twilio codes we expect; Twilio's own text follows it. */
const KNOWN_REFUSALS: Record<number, string> = {
  21610: 'the recipient has opted out (replied STOP); Twilio refuses to send until they text START',
  21211: "the 'To' number is not a valid phone number",
  21614: "the 'To' number is not a mobile number and cannot receive SMS",
  21408: "sending to the 'To' number's region is not enabled on the Twilio account (Geo Permissions)",
  21611: 'the sender has too many messages queued at Twilio; try again later',
  20003: 'Twilio did not accept the account SID and auth token',
  20429: 'Twilio is rate-limiting this account',
};

/** 400s that clear by themselves, so a later attempt can succeed. */
const TRANSIENT_TWILIO_CODES = new Set([21611]);

/** The SDK prefixes some messages with `[HTTP 400] ` and says this when the body was not JSON. */
const SDK_PREFIX = /^\[HTTP \d+\]\s*/;
const SDK_PLACEHOLDER = 'Failed to execute request';

/**
 * Maps what `twilio` rejects with: a `RestException` (or, for RFC 9457 bodies, a
 * `TwilioServiceException`) with `status` and `code` for an HTTP answer, an axios error for
 * a network failure or timeout, a plain `Error` for a request the SDK would not build. Only
 * our own message is kept: axios errors hold the request config (with the basic-auth
 * header), so nothing is attached as `cause`.
 */
function toProviderSendError(error: unknown): ProviderSendError {
  const httpStatus = isAxiosError(error) ? undefined : numberProperty(error, 'status');
  if (httpStatus !== undefined) {
    const code = numberProperty(error, 'code') || undefined;
    const transient =
      httpStatus === 408 || httpStatus === 429 || httpStatus >= 500 || (code !== undefined && TRANSIENT_TWILIO_CODES.has(code));
    return new ProviderSendError(describeRefusal(httpStatus, code, twilioText(error)), transient, code, httpStatus);
  }
  const unreachable = networkFailure('Twilio', error);
  if (unreachable) return unreachable;
  const code = stringProperty(error, 'code');
  const message = stringProperty(error, 'message') ?? String(error);
  // Thrown before any request, by the SDK checking its parameters: retrying won't help.
  return new ProviderSendError(`Twilio refused to build the request: ${message}`, false, code);
}

function describeRefusal(httpStatus: number, code: number | undefined, text: string | undefined): string {
  const known = code === undefined ? undefined : KNOWN_REFUSALS[code];
  const twilioPart = code === undefined ? (text ?? '') : `Twilio ${code}${text ? `: ${text}` : ''}`;
  if (known) return `${known} — ${twilioPart} (HTTP ${httpStatus})`;
  return `Twilio answered HTTP ${httpStatus}${twilioPart ? ` — ${twilioPart}` : ''}`;
}

/** Twilio's message (`RestException`), or title and detail (`TwilioServiceException`). */
function twilioText(error: unknown): string | undefined {
  const message = stringProperty(error, 'message')?.replace(SDK_PREFIX, '');
  const detail = stringProperty(error, 'detail');
  const parts = [message !== SDK_PLACEHOLDER ? message : undefined, detail].filter((part): part is string => !!part);
  return parts.length > 0 ? parts.join(': ').slice(0, 500) : undefined;
}
