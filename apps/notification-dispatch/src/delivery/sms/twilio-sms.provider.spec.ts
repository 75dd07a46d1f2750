import nock from 'nock';
import { ProviderSendError } from '../email/email-provider';
import { OutboundSms } from './sms-provider';
import { TwilioSmsProvider, TwilioSmsProviderOptions } from './twilio-sms.provider';

const API = 'https://api.twilio.com';
const ACCOUNT_SID = 'AC1f2e3d4c5b6a79880f1e2d3c4b5a6978';
const AUTH_TOKEN = '5c1d7e0f9a8b4c3d2e1f0a9b8c7d6e5f';
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const SENDER = '+15005550006';
const MESSAGING_SERVICE_SID = 'MG9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const MESSAGE_SID = 'SM3b7a1c0e9d8f4a6b2c5e7d9f1a3b5c7d';

const sms: OutboundSms = {
  notificationId: 'ntf_0001',
  to: '+14155552671',
  body: 'Riverside Clinic: your check-up is on Thu 15 Jan at 09:30. Reply C to confirm.',
};

const callbackUrl = (notificationId: string) => `https://app.example.com/api/webhooks/twilio/status/${encodeURIComponent(notificationId)}`;

function provider(overrides: Partial<TwilioSmsProviderOptions> = {}): TwilioSmsProvider {
  return new TwilioSmsProvider({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: SENDER,
    statusCallbackUrl: callbackUrl,
    ...overrides,
  });
}

/** Twilio's 201 answer to a message create, as recorded (fields trimmed to those that matter). */
function created(fields: { to: string; from: string | null; messagingServiceSid?: string; body: string; status?: string }) {
  const uri = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${MESSAGE_SID}`;
  return {
    account_sid: ACCOUNT_SID,
    api_version: '2010-04-01',
    body: fields.body,
    date_created: 'Wed, 14 Jan 2026 09:30:00 +0000',
    date_sent: null,
    date_updated: 'Wed, 14 Jan 2026 09:30:00 +0000',
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: fields.from,
    messaging_service_sid: fields.messagingServiceSid ?? null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: MESSAGE_SID,
    status: fields.status ?? 'queued',
    subresource_uris: { media: `${uri}/Media.json` },
    to: fields.to,
    uri: `${uri}.json`,
  };
}

/** Twilio's error body: `{code, message, more_info, status}`. */
function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/**
 * Twilio's answer as it comes over the wire: JSON with its Content-Length. (The length also
 * matters to nock 14: the SDK keeps connections alive, and a mocked answer without a length
 * never ends on a kept-alive connection — nock/nock#3001.)
 */
function answer(status: number, body: unknown, contentType = 'application/json; charset=utf-8'): [number, string, Record<string, string>] {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return [status, text, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) }];
}

/** What Node's socket layer raises (nock needs an Error instance to fail the request). */
function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

async function sendError(twilioSms: TwilioSmsProvider, outbound: OutboundSms = sms): Promise<ProviderSendError> {
  try {
    await twilioSms.send(outbound);
  } catch (error) {
    if (error instanceof ProviderSendError) return error;
    throw error;
  }
  throw new Error('expected a ProviderSendError');
}

describe('TwilioSmsProvider', () => {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  // Each spec file loads its own nock: unpatch http so the next file's nock is the only one.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('is named twilio', () => {
    expect(provider().name).toBe('twilio');
  });

  it.each([
    { overrides: { accountSid: 'SK1f2e3d4c5b6a79880f1e2d3c4b5a6978' }, message: 'needs an account SID' },
    { overrides: { accountSid: '' }, message: 'needs an account SID' },
    { overrides: { authToken: ' ' }, message: 'needs an auth token' },
    { overrides: { from: '4155550100' }, message: '"from" must be an E.164 number' },
    { overrides: { from: 'MG123' }, message: '"from" must be an E.164 number' },
    { overrides: { timeoutMs: 0 }, message: 'timeoutMs must be a positive integer' },
  ])('refuses to start with $overrides', ({ overrides, message }) => {
    expect(() => provider(overrides)).toThrow(message);
  });

  it("posts To, From, Body and this notification's StatusCallback with basic auth, and returns the message SID", async () => {
    let form: Record<string, unknown> = {};
    const scope = nock(API)
      .post(MESSAGES, (sent) => {
        form = sent;
        return true;
      })
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(...answer(201, created({ to: sms.to, from: SENDER, body: sms.body })));

    const result = await provider().send(sms);

    expect(result).toEqual({ providerMessageId: MESSAGE_SID });
    expect(scope.isDone()).toBe(true);
    expect(form).toEqual({
      To: '+14155552671',
      From: '+15005550006',
      Body: 'Riverside Clinic: your check-up is on Thu 15 Jan at 09:30. Reply C to confirm.',
      StatusCallback: 'https://app.example.com/api/webhooks/twilio/status/ntf_0001',
    });
  });

  it('sends through the Messaging Service when from is an MG SID', async () => {
    let form: Record<string, unknown> = {};
    nock(API)
      .post(MESSAGES, (sent) => {
        form = sent;
        return true;
      })
      .reply(
        ...answer(201, created({ to: sms.to, from: null, messagingServiceSid: MESSAGING_SERVICE_SID, body: sms.body, status: 'accepted' })),
      );

    const result = await provider({ from: MESSAGING_SERVICE_SID }).send(sms);

    expect(result).toEqual({ providerMessageId: MESSAGE_SID });
    expect(form).toEqual({
      To: '+14155552671',
      MessagingServiceSid: MESSAGING_SERVICE_SID,
      Body: sms.body,
      StatusCallback: 'https://app.example.com/api/webhooks/twilio/status/ntf_0001',
    });
    expect(form).not.toHaveProperty('From');
  });

  it('asks for the status callback of each notification it sends', async () => {
    const callbacks: unknown[] = [];
    nock(API)
      .post(MESSAGES, (sent: Record<string, unknown>) => {
        callbacks.push(sent.StatusCallback);
        return true;
      })
      .times(2)
      .reply(...answer(201, created({ to: sms.to, from: SENDER, body: sms.body })));

    const twilioSms = provider();
    await twilioSms.send({ ...sms, notificationId: 'ntf_0001' });
    await twilioSms.send({ ...sms, notificationId: 'ntf 0002/b' });

    expect(callbacks).toEqual([
      'https://app.example.com/api/webhooks/twilio/status/ntf_0001',
      'https://app.example.com/api/webhooks/twilio/status/ntf%200002%2Fb',
    ]);
  });

  it("refuses for good when the recipient opted out (21610), saying so with Twilio's own words", async () => {
    nock(API)
      .post(MESSAGES)
      .reply(...answer(400, twilioError(400, 21610, 'Attempt to send to unsubscribed recipient')));

    const error = await sendError(provider());

    expect(error.transient).toBe(false);
    expect(error.httpStatus).toBe(400);
    expect(error.providerCode).toBe(21610);
    expect(error.message).toBe(
      'the recipient has opted out (replied STOP); Twilio refuses to send until they text START — Twilio 21610: Attempt to send to unsubscribed recipient (HTTP 400)',
    );
  });

  it.each([
    {
      status: 400,
      code: 21610,
      transient: false,
      text: 'Attempt to send to unsubscribed recipient',
      says: 'the recipient has opted out (replied STOP)',
    },
    {
      status: 400,
      code: 21211,
      transient: false,
      text: "The 'To' number +1415555 is not a valid phone number.",
      says: "the 'To' number is not a valid phone number",
    },
    {
      status: 400,
      code: 21614,
      transient: false,
      text: "'To' number is not a valid mobile number",
      says: "the 'To' number is not a mobile number",
    },
    {
      status: 400,
      code: 21408,
      transient: false,
      text: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +8613800138000",
      says: "sending to the 'To' number's region is not enabled",
    },
    {
      status: 400,
      code: 21611,
      transient: true,
      text: "This 'From' number has exceeded the maximum number of queued messages",
      says: 'the sender has too many messages queued at Twilio',
    },
    { status: 401, code: 20003, transient: false, text: 'Authenticate', says: 'Twilio did not accept the account SID and auth token' },
    {
      status: 404,
      code: 20404,
      transient: false,
      text: `The requested resource ${MESSAGES} was not found`,
      says: 'Twilio answered HTTP 404',
    },
    { status: 429, code: 20429, transient: true, text: 'Too Many Requests', says: 'Twilio is rate-limiting this account' },
    { status: 500, code: 20500, transient: true, text: 'Internal Server Error', says: 'Twilio answered HTTP 500' },
    { status: 503, code: 20503, transient: true, text: 'Service Unavailable', says: 'Twilio answered HTTP 503' },
  ])(
    "maps HTTP $status / Twilio $code to transient=$transient, keeping Twilio's code and message",
    async ({ status, code, transient, text, says }) => {
      nock(API)
        .post(MESSAGES)
        .reply(...answer(status, twilioError(status, code, text)));

      const error = await sendError(provider());

      expect(error).toBeInstanceOf(ProviderSendError);
      expect(error.transient).toBe(transient);
      expect(error.httpStatus).toBe(status);
      expect(error.providerCode).toBe(code);
      expect(error.message.startsWith(says)).toBe(true);
      expect(error.message).toContain(`Twilio ${code}: ${text}`);
      expect(error.message).toContain(`HTTP ${status}`);
    },
  );

  it("copes with an error answer that is not JSON (a proxy's 503 page)", async () => {
    nock(API)
      .post(MESSAGES)
      .reply(...answer(503, '<html><body><h1>503 Service Unavailable</h1></body></html>', 'text/html'));

    const error = await sendError(provider());

    expect(error.transient).toBe(true);
    expect(error.httpStatus).toBe(503);
    expect(error.providerCode).toBeUndefined();
    expect(error.message).toBe('Twilio answered HTTP 503');
  });

  it('leaves retrying a 429 to the delivery layer (the SDK sends once)', async () => {
    let requests = 0;
    nock(API)
      .post(MESSAGES)
      .times(4)
      .reply(() => {
        requests += 1;
        return answer(429, twilioError(429, 20429, 'Too Many Requests'));
      });

    const error = await sendError(provider());

    expect(error.transient).toBe(true);
    expect(requests).toBe(1);
  });

  it.each([
    { code: 'ECONNRESET', message: 'socket hang up' },
    { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 54.172.60.0:443' },
    { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.twilio.com' },
    { code: 'ECONNABORTED', message: 'aborted' },
  ])('treats a connection error $code as transient', async ({ code, message }) => {
    nock(API).post(MESSAGES).replyWithError(socketError(code, message));

    const error = await sendError(provider());

    expect(error.transient).toBe(true);
    expect(error.providerCode).toBe(code);
    expect(error.httpStatus).toBeUndefined();
    expect(error.message).toBe(`Twilio could not be reached: ${message}`);
  });

  it('treats a timeout as transient', async () => {
    nock(API)
      .post(MESSAGES)
      .delay(1_000)
      .reply(...answer(201, created({ to: sms.to, from: SENDER, body: sms.body })));

    const started = Date.now();
    const error = await sendError(provider({ timeoutMs: 200 }));

    expect(Date.now() - started).toBeLessThan(900);
    expect(error.transient).toBe(true);
    expect(error.httpStatus).toBeUndefined();
    expect(error.message).toMatch(/^Twilio could not be reached: .*timeout/i);
  });

  it('never puts the auth token in the error', async () => {
    nock(API).post(MESSAGES).replyWithError(socketError('ECONNREFUSED', 'connect ECONNREFUSED 54.172.60.0:443'));

    const error = await sendError(provider());
    const basic = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
    const seen = JSON.stringify({ ...error, message: error.message, stack: error.stack });

    expect(seen).not.toContain(AUTH_TOKEN);
    expect(seen).not.toContain(basic);
    expect(error.cause).toBeUndefined();
  });
});
