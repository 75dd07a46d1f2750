import { eventually } from '@appointments/testing';
import { getEvent, messageSid, postTwilioForm, rowWhere, uniquePhone } from './support/notifications';
import {
  EMPTY_TWIML,
  invitedBySms,
  postSms,
  smsForm,
  SmsPlatform,
  startSmsPlatform,
  storedReplyTarget,
  twimlMessage,
  TWILIO_AUTH_TOKEN,
  untilReplyTarget,
} from './support/sms-replies';

jest.setTimeout(180_000);

const HELP_TEXT = 'Acme: reply 1 to confirm. Reply STOP to opt out.';
const NO_OPEN_REPLY = 'Sorry, we could not match your message to an appointment.';

/**
 * inbound-response's own copy of the open reply targets (decisions.md, "Issue 4:
 * inbound-response keeps a copy of the open reply targets"): kept from `NotificationSent`,
 * closed by a failure report, and enough to understand a reply while notification-dispatch
 * is down. The last test stops notification-dispatch: keep it last.
 */
let platform: SmsPlatform;

beforeAll(async () => {
  platform = await startSmsPlatform('e2e_sms_reply_targets', { SMS_HELP_TEXT: HELP_TEXT, SMS_NO_OPEN_NOTIFICATION_REPLY: NO_OPEN_REPLY });
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;

it('keeps the target of a sent SMS with reply codes, open', async () => {
  const { notificationId, phone, event } = await invitedBySms(api());
  const target = await untilReplyTarget(
    platform,
    notificationId,
    (candidate) => candidate.closed_at === null,
    'the reply target in the copy',
  );
  expect(target).toMatchObject({ phone, event_id: event.id });
});

it('a Twilio undelivered report closes the target: a reply finds no open notification', async () => {
  const { event, notificationId, phone } = await invitedBySms(api());
  await untilReplyTarget(platform, notificationId, (candidate) => candidate.closed_at === null, 'the reply target in the copy');

  const path = `/webhooks/twilio/status?notificationId=${notificationId}`;
  const signed = { authToken: TWILIO_AUTH_TOKEN, publicBaseUrl: platform.inboundPublicUrl };
  const report = await postTwilioForm(
    platform,
    path,
    { MessageSid: messageSid(), MessageStatus: 'undelivered', ErrorCode: '30003' },
    signed,
  );
  expect(report.status).toBe(204);
  // Closed in the callback's own transaction: already so when it has been answered.
  expect(await storedReplyTarget(platform, notificationId)).toMatchObject({ closed_at: expect.any(Date) });
  // notification-dispatch, asked for the phone now that the copy has no open target, excludes it too once it has read the report.
  await rowWhere(api(), event.id, notificationId, (row) => row.status === 'undelivered', 'dispatch to mark the SMS undelivered');

  const answer = await postSms(platform, smsForm(phone, '1'));
  expect(answer).toMatchObject({ status: 200, text: twimlMessage(NO_OPEN_REPLY) });
  expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'invited', attendeeStatus: 'needs_action' });
});

it('answers replies from the copy while notification-dispatch is down; without a target, only keywords', async () => {
  const { event, notificationId, phone } = await invitedBySms(api());
  await untilReplyTarget(platform, notificationId, (candidate) => candidate.closed_at === null, 'the reply target in the copy');

  await platform.stack.stopService('notification-dispatch');

  const answer = await postSms(platform, smsForm(phone, '1'));
  expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });
  const confirmed = await eventually(
    () => getEvent(api(), event.id),
    (current) => current.bookingStatus === 'confirmed',
    { what: 'the event to be confirmed', timeoutMs: 15_000 },
  );
  expect(confirmed).toMatchObject({ bookingStatus: 'confirmed', attendeeStatus: 'accepted' });

  // A number the copy does not know needs dispatch: a keyword still applies, anything else fails for Twilio to retry.
  const stranger = uniquePhone();
  const help = await postSms(platform, smsForm(stranger, 'HELP'));
  expect(help).toMatchObject({ status: 200, text: twimlMessage(HELP_TEXT) });
  const code = await postSms(platform, smsForm(stranger, '1'));
  expect(code.status).toBeGreaterThanOrEqual(500);
});
