import { DISPATCH_REQUEST, INBOUND_REQUEST, MAX_REPLY_TARGET_PHONES, RecordedResponse, SERVICE } from '@appointments/contracts';
import { AmqpConnection, MessagingNames, RpcClient } from '@appointments/messaging';
import { createLogger } from '@appointments/observability';
import { eventually } from '@appointments/testing';
import twilio from 'twilio';
import { NO_BUTTONS } from './support/platform';
import {
  consoleRows,
  createScenario,
  everyType,
  getEvent,
  landingTokensIn,
  outboxHas,
  preview,
  send,
  settledRows,
  uniquePhone,
} from './support/notifications';
import {
  EMPTY_TWIML,
  invitedBySms as invitedBySmsOn,
  postSms as postSmsTo,
  smsForm,
  SmsPlatform,
  startSmsPlatform,
  TWILIO_AUTH_TOKEN,
  TwimlAnswer,
} from './support/sms-replies';

jest.setTimeout(180_000);

const HELP_TEXT = 'Acme & Co: reply 1 to confirm. Reply STOP to opt out.';
const NO_OPEN_REPLY = 'Sorry, we could not match your message to an appointment.';

/**
 * SMS replies through Twilio's signed inbound webhook (`POST /webhooks/twilio/sms`): reply
 * codes, free text, duplicates, carrier keywords and the stop list, over the public HTTP
 * contract against the five services running as real processes.
 */
let platform: SmsPlatform;

beforeAll(async () => {
  platform = await startSmsPlatform('e2e_responses_sms', { SMS_HELP_TEXT: HELP_TEXT, SMS_NO_OPEN_NOTIFICATION_REPLY: NO_OPEN_REPLY });
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;

/** Posts an inbound SMS the way Twilio does, to this spec's platform. */
function postSms(fields: Record<string, string>, options: { signature?: string; authToken?: string } = {}): Promise<TwimlAnswer> {
  return postSmsTo(platform, fields, options);
}

/** An event whose customer got an RSVP request by SMS with reply codes on (default table 1/2/3): `invited`, open for replies. */
function invitedBySms() {
  return invitedBySmsOn(api());
}

function inboundRows(eventId: string) {
  return consoleRows(api(), eventId, { direction: 'inbound' });
}

function untilInboundRows(eventId: string, accept: (rows: any[]) => boolean, what: string) {
  return eventually(() => inboundRows(eventId), accept, { what, timeoutMs: 15_000 });
}

function untilLogged(service: string, match: (json: Record<string, unknown>) => boolean, what: string) {
  return eventually(
    () => platform.logs.find((log) => log.service === service && log.json !== null && match(log.json)),
    (found) => Boolean(found),
    { what, timeoutMs: 15_000 },
  );
}

describe('signature', () => {
  it('refuses a forged, a garbage and an unsigned message with 403 and applies nothing', async () => {
    const { event, phone } = await invitedBySms();
    const forged = await postSms(smsForm(phone, '1'), { authToken: 'not-the-auth-token' });
    expect(forged.status).toBe(403);
    const garbage = await postSms(smsForm(phone, '1'), { signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(garbage.status).toBe(403);
    const unsigned = await postSms(smsForm(phone, '1'), { signature: '' });
    expect(unsigned.status).toBe(403);
    // Signed, then a field changed on the way: the signature covers every field.
    const fields = smsForm(phone, '3');
    const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${platform.inboundPublicUrl}/webhooks/twilio/sms`, fields);
    const tampered = await postSms({ ...fields, Body: '1' }, { signature });
    expect(tampered.status).toBe(403);

    await untilLogged(
      'inbound-response',
      (json) => json.path === '/webhooks/twilio/sms' && json.signature === 'missing',
      'the refusal to be logged',
    );
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'invited', attendeeStatus: 'needs_action' });
    expect(await inboundRows(event.id)).toEqual([]);
  });

  it('answers 400 to a signed form without a valid MessageSid', async () => {
    const answer = await postSms({ ...smsForm(uniquePhone(), '1'), MessageSid: 'not-a-sid' });
    expect(answer.status).toBe(400);
  });
});

describe('reply codes', () => {
  it('"1" confirms the event, answers empty TwiML, and logs an inbound row in the console', async () => {
    const { event, notificationId, phone, customer } = await invitedBySms();
    const answer = await postSms(smsForm(phone, ' 1. '));
    expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(answer.contentType).toMatch(/^text\/xml/);

    const [row] = await untilInboundRows(event.id, (rows) => rows.length === 1, 'one inbound console row');
    expect(row).toMatchObject({
      direction: 'inbound',
      type: 'rsvp_request',
      channel: 'sms_reply',
      responseType: 'accept',
      answersNotificationId: notificationId,
      recipientName: customer.name,
      recipientPhone: phone,
      smsBody: ' 1. ',
      status: 'delivered',
    });
    const filtered = await consoleRows(api(), event.id, { responseType: 'accept', channel: 'sms_reply' });
    expect(filtered.map((candidate) => candidate.id)).toEqual([row.id]);

    // Applied by scheduling (the state machine): depends on its CustomerResponded handler.
    const confirmed = await eventually(
      () => getEvent(api(), event.id),
      (current) => current.bookingStatus === 'confirmed',
      { what: 'the event to be confirmed', timeoutMs: 15_000 },
    );
    expect(confirmed).toMatchObject({ bookingStatus: 'confirmed', attendeeStatus: 'accepted' });
  });

  it('applies the same MessageSid once, and answers its repeat the same way', async () => {
    const { event, phone } = await invitedBySms();
    const form = smsForm(phone, '3');
    const [first, second] = await Promise.all([postSms(form), postSms(form)]);
    expect(first).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(second).toMatchObject({ status: 200, text: EMPTY_TWIML });
    const third = await postSms(form);
    expect(third).toMatchObject({ status: 200, text: EMPTY_TWIML });
    await untilLogged(
      'inbound-response',
      (json) => json.messageSid === form.MessageSid && json.msg === 'inbound SMS already applied; answered as before',
      'the repeat to be recognised',
    );

    // A later message, by then in the console, shows everything before it has been handled.
    await postSms(smsForm(phone, 'See you'));
    const rows = await untilInboundRows(
      event.id,
      (candidates) => candidates.some((row) => row.smsBody === 'See you'),
      'the later message in the console',
    );
    expect(rows.filter((row) => row.responseType === 'decline')).toHaveLength(1);
  });

  it('"Ok thanks" changes nothing but is logged as an inbound message', async () => {
    const { event, notificationId, phone } = await invitedBySms();
    const answer = await postSms(smsForm(phone, 'Ok thanks'));
    expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });
    const [row] = await untilInboundRows(event.id, (rows) => rows.length === 1, 'the message in the console');
    expect(row).toMatchObject({ channel: 'sms_reply', responseType: null, smsBody: 'Ok thanks', answersNotificationId: notificationId });
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'invited', attendeeStatus: 'needs_action' });
  });

  it('a word outside the code table ("4") is a message, not a response', async () => {
    const { event, phone } = await invitedBySms();
    await postSms(smsForm(phone, '4'));
    const [row] = await untilInboundRows(event.id, (rows) => rows.length === 1, 'the message in the console');
    expect(row).toMatchObject({ responseType: null, smsBody: '4' });
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'invited' });
  });

  it('a number with no open notification gets the configured reply', async () => {
    const answer = await postSms(smsForm(uniquePhone(), '1'));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>${NO_OPEN_REPLY}</Message></Response>`);
  });

  it('HELP is answered with the configured help text, XML-escaped', async () => {
    const answer = await postSms(smsForm(uniquePhone(), 'help'));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acme &amp; Co: reply 1 to confirm. Reply STOP to opt out.</Message></Response>',
    );
  });
});

describe('replies arriving together (applied as a group)', () => {
  function appliedLine(sid: string) {
    return untilLogged(
      'inbound-response',
      (json) => json.messageSid === sid && json.msg === 'inbound SMS applied',
      `SMS ${sid} to be applied`,
    );
  }

  it("records every customer's reply once, with keywords and messages in the same burst answered as alone", async () => {
    const invited = await Promise.all(Array.from({ length: 6 }, () => invitedBySms()));
    const chatty = await invitedBySms();
    const helpPhone = uniquePhone();
    const [answers, chatAnswer, helpAnswer] = await Promise.all([
      Promise.all(invited.map(({ phone }) => postSms(smsForm(phone, '1')))),
      postSms(smsForm(chatty.phone, 'Running late')),
      postSms(smsForm(helpPhone, 'HELP')),
    ]);
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(chatAnswer).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(helpAnswer.text).toContain('<Message>Acme &amp; Co: reply 1 to confirm.');

    for (const { event, notificationId } of invited) {
      const rows = await untilInboundRows(event.id, (candidates) => candidates.length === 1, 'one inbound row for the reply');
      expect(rows[0]).toMatchObject({ channel: 'sms_reply', responseType: 'accept', answersNotificationId: notificationId });
      await eventually(
        () => getEvent(api(), event.id),
        (current) => current.bookingStatus === 'confirmed',
        { what: 'the event to be confirmed', timeoutMs: 15_000 },
      );
    }
    const [chat] = await untilInboundRows(chatty.event.id, (rows) => rows.length === 1, 'the message in the console');
    expect(chat).toMatchObject({ responseType: null, smsBody: 'Running late' });
  });

  it('identical replies to one event at once: one is recorded, the others answered as its duplicates', async () => {
    const { event, phone } = await invitedBySms();
    // Three, so that (the first going alone to an idle queue) two of them share a group.
    const forms = [smsForm(phone, '3'), smsForm(phone, '3'), smsForm(phone, '3')];
    const answers = await Promise.all(forms.map((form) => postSms(form)));
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });

    const lines = await Promise.all(forms.map((form) => appliedLine(form.MessageSid)));
    const responseIds = lines.map((line) => line!.json!.responseId);
    expect(responseIds[0]).toEqual(expect.any(String));
    expect(new Set(responseIds)).toEqual(new Set([responseIds[0]]));

    // A later message, by then in the console, shows everything before it has been handled.
    await postSms(smsForm(phone, 'Bye'));
    const rows = await untilInboundRows(
      event.id,
      (candidates) => candidates.some((row) => row.smsBody === 'Bye'),
      'the later message in the console',
    );
    expect(rows.filter((row) => row.responseType === 'decline')).toHaveLength(1);
  });

  it('one MessageSid posted many times at once is applied once and every copy answered the same', async () => {
    const helpForm = smsForm(uniquePhone(), 'help');
    const { event, phone } = await invitedBySms();
    const codeForm = smsForm(phone, '1');
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => postSms(helpForm)),
      ...Array.from({ length: 4 }, () => postSms(codeForm)),
    ]);
    const helpTexts = new Set(answers.slice(0, 4).map((answer) => `${answer.status} ${answer.text}`));
    expect([...helpTexts]).toEqual([expect.stringMatching(/^200 .*<Message>Acme &amp; Co/)]);
    for (const answer of answers.slice(4)) expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });

    await appliedLine(codeForm.MessageSid);
    await postSms(smsForm(phone, 'Later'));
    const rows = await untilInboundRows(
      event.id,
      (candidates) => candidates.some((row) => row.smsBody === 'Later'),
      'the later message in the console',
    );
    expect(rows.filter((row) => row.responseType === 'accept')).toHaveLength(1);
    const applied = (sid: string) =>
      platform.logs.filter(
        (log) => log.service === 'inbound-response' && log.json?.messageSid === sid && log.json?.msg === 'inbound SMS applied',
      );
    expect(applied(helpForm.MessageSid)).toHaveLength(1);
    expect(applied(codeForm.MessageSid)).toHaveLength(1);
  });
});

describe('opt-out keywords', () => {
  async function stopListed(phone: string) {
    const listed = await api().get(`/api/stop-list?channel=sms&address=${encodeURIComponent(phone)}`);
    expect(listed.status).toBe(200);
    return listed.body as any[];
  }

  /** Waits until scheduling's copy of the stop list says the SMS is (or no longer is) skipped. */
  function untilSmsStopped(eventId: string, stopped: boolean) {
    return eventually(
      () => preview(api(), eventId, { type: 'confirmation' }),
      (answer) =>
        answer.status === 200 && answer.body.skipped.some((skip: any) => skip.channel === 'sms' && skip.reason === 'opted_out') === stopped,
      { what: `the SMS to be ${stopped ? '' : 'no longer '}skipped for the stop list`, timeoutMs: 15_000 },
    );
  }

  it('STOP puts the number on the stop list and the next SMS is skipped; START takes it off and the next SMS goes', async () => {
    const phone = uniquePhone();
    const stop = await postSms(smsForm(phone, 'Stop.'));
    expect(stop).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(await stopListed(phone)).toEqual([
      expect.objectContaining({ channel: 'sms', address: phone, source: 'sms_keyword', keyword: 'STOP' }),
    ]);

    const stopped = await createScenario(api(), { customer: { phone }, configs: everyType('both') });
    await untilSmsStopped(stopped.event.id, true);
    const sent = await send(api(), stopped.event.id, { type: 'confirmation' });
    expect(sent.status).toBe(202);
    const rows = await settledRows(api(), stopped.event.id, 2);
    expect(rows.find((row) => row.channel === 'sms')).toMatchObject({ status: 'skipped' });
    expect(rows.find((row) => row.channel === 'email')).toMatchObject({ status: 'sent' });

    const start = await postSms(smsForm(phone, 'START'));
    expect(start).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(await stopListed(phone)).toEqual([]);

    const started = await createScenario(api(), { customer: { phone }, configs: everyType('sms') });
    await untilSmsStopped(started.event.id, false);
    const again = await send(api(), started.event.id, { type: 'confirmation' });
    expect(again.status).toBe(202);
    const [smsRow] = await settledRows(api(), started.event.id, 1);
    expect(smsRow).toMatchObject({ channel: 'sms', status: 'sent', recipientPhone: phone });
  });

  it('"Stop please" is not a keyword', async () => {
    const phone = uniquePhone();
    await postSms(smsForm(phone, 'Stop please'));
    await untilLogged(
      'inbound-response',
      (json) => json.from === phone && json.kind === 'no_open_notification',
      'the message to be applied',
    );
    expect(await stopListed(phone)).toEqual([]);
  });
});

describe('DISPATCH_REQUEST.latestOpenReplyTargets (as inbound-response asks for a group)', () => {
  let connection: AmqpConnection;
  let rpc: RpcClient;

  beforeAll(() => {
    const logger = createLogger('e2e-rpc', 'warn');
    connection = new AmqpConnection(platform.environment.env.AMQP_URL, 'e2e-rpc-targets', logger);
    connection.start();
    rpc = new RpcClient(connection, new MessagingNames(platform.environment.amqpNamespace), 5000, logger);
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('answers each phone in order, null for a number with no open notification, and refuses a list too long', async () => {
    const { phone, notificationId, event } = await invitedBySms();
    const nobody = uniquePhone();
    const targets = await rpc.request<any[]>(SERVICE.notificationDispatch, DISPATCH_REQUEST.latestOpenReplyTargets, {
      phones: [phone, nobody, '', phone],
    });
    expect(targets).toEqual([
      expect.objectContaining({ notificationId, eventId: event.id, phone }),
      null,
      null,
      expect.objectContaining({ notificationId }),
    ]);
    const single = await rpc.request<any>(SERVICE.notificationDispatch, DISPATCH_REQUEST.latestOpenReplyTarget, { phone });
    expect(single).toEqual(targets[0]);

    for (const query of [{ phones: Array.from({ length: MAX_REPLY_TARGET_PHONES + 1 }, () => nobody) }, { phones: [1] }, {}]) {
      const refused = await rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.latestOpenReplyTargets, query).then(
        () => null,
        (error: { code: string }) => error,
      );
      expect(refused).toMatchObject({ code: 'invalid_input' });
    }
  });
});

describe('landing-page responses (INBOUND_REQUEST.recordResponse, as the gateway asks)', () => {
  let connection: AmqpConnection;
  let rpc: RpcClient;

  beforeAll(() => {
    const logger = createLogger('e2e-rpc', 'warn');
    connection = new AmqpConnection(platform.environment.env.AMQP_URL, 'e2e-rpc', logger);
    connection.start();
    rpc = new RpcClient(connection, new MessagingNames(platform.environment.amqpNamespace), 5000, logger);
  });

  afterAll(async () => {
    await connection?.close();
  });

  function record(command: Record<string, unknown>): Promise<RecordedResponse> {
    return rpc.request<RecordedResponse>(SERVICE.inboundResponse, INBOUND_REQUEST.recordResponse, command);
  }

  async function rejection(command: Record<string, unknown>): Promise<{ code: string; message: string }> {
    const error = await record(command).then(
      () => null,
      (caught: { code: string; message: string }) => caught,
    );
    if (!error) throw new Error(`expected ${JSON.stringify(command)} to be refused`);
    return error;
  }

  /** An RSVP request by email with accept and decline buttons (decline reason on): its landing token from the dev outbox. */
  async function invitedByEmail() {
    const scenario = await createScenario(api(), {
      configs: everyType('email', { rsvp_request: { buttons: { ...NO_BUTTONS, accept: true, decline: true }, declineReason: true } }),
    });
    const sent = await send(api(), scenario.event.id, { type: 'rsvp_request' });
    expect(sent.status).toBe(202);
    const [message] = await outboxHas(api(), scenario.customer.email, 1);
    const [token] = landingTokensIn(message.html ?? message.text);
    expect(token).toEqual(expect.any(String));
    return { ...scenario, token, notificationId: sent.body.notificationIds[0] as string };
  }

  it('records a decline with its reason once: a double click answers the same response as a duplicate', async () => {
    const { event, token, notificationId } = await invitedByEmail();
    const [first, second] = await Promise.all([
      record({ token, response: 'decline', reason: ' Out of town ' }),
      record({ token, response: 'decline', reason: 'Out of town' }),
    ]);
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    expect(second.responseId).toBe(first.responseId);
    expect(first).toMatchObject({ eventId: event.id, response: 'decline' });

    const [row] = await untilInboundRows(event.id, (rows) => rows.length === 1, 'the decline in the console');
    expect(row).toMatchObject({
      channel: 'email_link',
      responseType: 'decline',
      reason: 'Out of town',
      answersNotificationId: notificationId,
    });

    // A change of mind is a new response.
    const accepted = await record({ token, response: 'accept' });
    expect(accepted).toMatchObject({ duplicate: false, response: 'accept' });
    expect(accepted.responseId).not.toBe(first.responseId);
  });

  it('refuses an action the message does not offer (409), an unknown token (404) and a reason that is too long (400)', async () => {
    const { token } = await invitedByEmail();
    expect(await rejection({ token, response: 'reschedule' })).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/does not offer/),
    });
    expect(await rejection({ token: 'AAAAAAAAAAAAAAAAAAAAAA', response: 'accept' })).toMatchObject({ code: 'not_found' });
    expect(await rejection({ token, response: 'decline', reason: 'x'.repeat(1001) })).toMatchObject({ code: 'invalid_input' });
  });
});
