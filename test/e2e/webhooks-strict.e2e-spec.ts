import { eventually } from '@appointments/testing';
import { generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { chatter, consoleRows, createScenario, everyType, getEvent, rowWhere, send, settledRows } from './support/notifications';
import { invitedBySms, postSms, smsForm, SmsPlatform, startSmsPlatform, storedReplyTarget, untilReplyTarget } from './support/sms-replies';

jest.setTimeout(180_000);

/**
 * Issue 14, "Webhooks strict", across the services: SendGrid's signed event webhook refuses
 * a correctly signed batch whose timestamp is old (a replay) and changes nothing; a signed
 * SendGrid bounce naming an SMS notification neither fails the SMS nor closes its reply
 * target, while a genuine email bounce still bounces the email. inbound-response verifies
 * with a P-256 key made here; the provider is the local sink, which stands in for the vendor
 * of each channel.
 */
let platform: SmsPlatform;
let sendGridKey: KeyObject;

beforeAll(async () => {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  sendGridKey = keys.privateKey;
  platform = await startSmsPlatform('e2e_webhooks_strict', {
    SENDGRID_WEBHOOK_VERIFICATION_KEY: keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  });
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Posts SendGrid events as SendGrid does: the body signed with our key over the timestamp header and the bytes sent. */
async function postSignedSendGrid(events: Record<string, unknown>[], signedAt = nowSeconds()): Promise<number> {
  const body = JSON.stringify(events);
  const timestamp = String(signedAt);
  const response = await fetch(`${platform.stack.url('inbound-response')}/webhooks/sendgrid/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-timestamp': timestamp,
      'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(timestamp + body, 'utf8'), sendGridKey).toString('base64'),
    },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return response.status;
}

function sendGridEvent(notificationId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    email: 'someone@example.com',
    timestamp: nowSeconds(),
    sg_event_id: randomUUID(),
    sg_message_id: `${randomUUID()}.filterdrecv-1.0`,
    notificationId,
    ...fields,
  };
}

const bounceOf = (notificationId: string) =>
  sendGridEvent(notificationId, {
    event: 'bounce',
    type: 'bounce',
    status: '5.1.1',
    reason: '550 5.1.1 The email account that you tried to reach does not exist',
  });

async function sentEmail() {
  const { event } = await createScenario(api(), { configs: everyType('email') });
  const sent = await send(api(), event.id, { type: 'confirmation' });
  expect(sent.status).toBe(202);
  const [row] = await settledRows(api(), event.id, 1);
  expect(row).toMatchObject({ channel: 'email', status: 'sent' });
  return { event, notificationId: sent.body.notificationIds[0] as string };
}

const failuresIn = async (eventId: string) => (await chatter(api(), eventId)).filter((entry) => entry.kind === 'notification_failed');

it('refuses a correctly signed SendGrid bounce signed an hour ago (a replay) with 403; the email is not bounced', async () => {
  const { event, notificationId } = await sentEmail();

  expect(await postSignedSendGrid([bounceOf(notificationId)], nowSeconds() - 3600)).toBe(403);

  // A fresh report of the same email goes through; had the replayed bounce been taken, the
  // email would be bounced for good (statuses only move forward) and the chatter would say so.
  expect(await postSignedSendGrid([sendGridEvent(notificationId, { event: 'delivered', response: '250 OK' })])).toBe(204);
  const row = await rowWhere(
    api(),
    event.id,
    notificationId,
    (candidate) => candidate.status !== 'sent',
    'the email to be reported delivered',
  );
  expect(row).toMatchObject({ status: 'delivered', providerStatus: 'delivered', error: null });
  expect(await failuresIn(event.id)).toEqual([]);
});

it('a signed SendGrid bounce naming an SMS leaves the SMS and its reply target as they were; a reply still answers it', async () => {
  const { event, notificationId, phone } = await invitedBySms(api());
  await untilReplyTarget(platform, notificationId, (target) => target.closed_at === null, 'the reply target in the copy');

  expect(await postSignedSendGrid([bounceOf(notificationId)])).toBe(204);
  // notification-dispatch says in its log when a report does not concern the notification it names.
  const outcome = await eventually(
    async () => ({
      refused: platform.logs.some(
        (log) => log.service === 'notification-dispatch' && log.json?.notificationId === notificationId && log.json?.mismatch === 'channel',
      ),
      row: (await consoleRows(api(), event.id)).find((candidate) => candidate.id === notificationId),
    }),
    ({ refused, row }) => refused || row?.status !== 'sent',
    { what: 'notification-dispatch to have read the bounce', timeoutMs: 15_000 },
  );
  expect(outcome.row).toMatchObject({ channel: 'sms', status: 'sent', error: null });
  expect(outcome.refused).toBe(true);
  expect(await storedReplyTarget(platform, notificationId)).toMatchObject({ closed_at: null });
  expect(await failuresIn(event.id)).toEqual([]);

  // The customer's reply code still answers the SMS.
  expect((await postSms(platform, smsForm(phone, '1'))).status).toBe(200);
  const confirmed = await eventually(
    () => getEvent(api(), event.id),
    (current) => current.bookingStatus === 'confirmed',
    {
      what: 'the event to be confirmed by the SMS reply',
      timeoutMs: 15_000,
    },
  );
  expect(confirmed).toMatchObject({ bookingStatus: 'confirmed', attendeeStatus: 'accepted' });
});

it('a genuine signed SendGrid bounce of an email still bounces it and tells the chatter', async () => {
  const { event, notificationId } = await sentEmail();
  expect(await postSignedSendGrid([bounceOf(notificationId)])).toBe(204);
  const row = await rowWhere(api(), event.id, notificationId, (candidate) => candidate.status === 'bounced', 'the email to be bounced');
  expect(row.error).toMatch(/does not exist|5\.1\.1/);
  const failures = await eventually(
    () => failuresIn(event.id),
    (entries) => entries.length > 0,
    { what: 'the bounce in the chatter' },
  );
  expect(failures).toHaveLength(1);
});
