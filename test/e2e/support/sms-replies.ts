import { eventually } from '@appointments/testing';
import { Client } from 'pg';
import twilio from 'twilio';
import { Platform, StaffApi } from './platform';
import { createScenario, everyType, getEvent, messageSid, send, settledRows, startPlatformWithInboundEnv } from './notifications';

/** What the SMS reply specs share: Twilio's signed webhooks and an RSVP request by SMS to answer. */

export const TWILIO_AUTH_TOKEN = 'test-auth-token';
export const OUR_NUMBER = '+15559870000';
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export type SmsPlatform = Platform & { inboundPublicUrl: string };

/** The platform with inbound-response verifying Twilio's signatures over its real URL, plus any other inbound-response settings. */
export function startSmsPlatform(label: string, inboundEnv: Record<string, string> = {}): Promise<SmsPlatform> {
  return startPlatformWithInboundEnv(label, (inboundUrl) => ({ TWILIO_AUTH_TOKEN, PUBLIC_WEBHOOK_BASE_URL: inboundUrl, ...inboundEnv }));
}

export interface TwimlAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Posts an inbound SMS the way Twilio does: form-encoded, signed over the public URL (unless a signature is given). */
export async function postSms(
  platform: SmsPlatform,
  fields: Record<string, string>,
  options: { signature?: string; authToken?: string } = {},
): Promise<TwimlAnswer> {
  const path = '/webhooks/twilio/sms';
  const signature =
    options.signature ??
    twilio.getExpectedTwilioSignature(options.authToken ?? TWILIO_AUTH_TOKEN, `${platform.inboundPublicUrl}${path}`, fields);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== '') headers['x-twilio-signature'] = signature;
  const response = await fetch(`${platform.stack.url('inbound-response')}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** An inbound message form as Twilio sends it, with the fields Twilio adds beyond those we read. */
export function smsForm(from: string, body: string, sid = messageSid()): Record<string, string> {
  return {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    To: OUR_NUMBER,
    Body: body,
    NumMedia: '0',
    FromCountry: 'US',
  };
}

/** TwiML answering with one message. */
export function twimlMessage(text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${text}</Message></Response>`;
}

/** An event whose customer got an RSVP request by SMS with reply codes on (default table 1/2/3): `invited`, open for replies. */
export async function invitedBySms(api: StaffApi) {
  const scenario = await createScenario(api, { configs: everyType('sms', { rsvp_request: { replyCodes: { enabled: true } } }) });
  const sent = await send(api, scenario.event.id, { type: 'rsvp_request' });
  if (sent.status !== 202) throw new Error(`send rsvp_request: ${sent.status} ${JSON.stringify(sent.body)}`);
  const [row] = await settledRows(api, scenario.event.id, 1);
  expect(row).toMatchObject({ channel: 'sms', status: 'sent' });
  expect(await getEvent(api, scenario.event.id)).toMatchObject({ bookingStatus: 'invited' });
  return { ...scenario, notificationId: sent.body.notificationIds[0] as string, phone: scenario.customer.phone as string };
}

export interface StoredReplyTarget {
  notification_id: string;
  phone: string;
  event_id: string;
  closed_at: Date | null;
}

/** inbound-response's copy of a notification's reply target, straight from its table; null while it has none. */
export async function storedReplyTarget(platform: Platform, notificationId: string): Promise<StoredReplyTarget | null> {
  const client = new Client({ connectionString: platform.environment.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<StoredReplyTarget>(
      'SELECT notification_id, phone, event_id, closed_at FROM inbound_response.reply_targets WHERE notification_id = $1',
      [notificationId],
    );
    return rows[0] ?? null;
  } finally {
    await client.end();
  }
}

/** Waits until inbound-response's copy holds the notification's reply target and it satisfies `accept`. */
export function untilReplyTarget(platform: Platform, notificationId: string, accept: (target: StoredReplyTarget) => boolean, what: string) {
  return eventually(
    () => storedReplyTarget(platform, notificationId),
    (target) => target !== null && accept(target),
    { what, timeoutMs: 15_000 },
  ) as Promise<StoredReplyTarget>;
}
