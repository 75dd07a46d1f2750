import nock from 'nock';
import { OutboundEmail, ProviderSendError } from './email-provider';
import { SendGridEmailProvider } from './sendgrid-email.provider';

const API = 'https://api.sendgrid.com';
const API_KEY = 'SG.test-key';

const ics = 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n';

const email: OutboundEmail = {
  notificationId: 'ntf_0001',
  to: { email: 'ann@example.com', name: 'Ann Lee' },
  from: { email: 'appointments@clinic.example', name: 'Riverside Clinic' },
  replyTo: { email: 'front-desk@clinic.example' },
  subject: 'Your check-up on Thursday, January 15, 2026',
  text: 'Hello Ann Lee\n\nAccept: https://app.example.com/m/tok/accept\n',
  html: '<!DOCTYPE html><html><body><p>Hello Ann Lee</p></body></html>',
  attachments: [{ filename: 'invite.ics', content: Buffer.from(ics), contentType: 'text/calendar; method=REQUEST' }],
};

/** What Node's socket layer raises (nock needs an Error instance to fail the request). */
function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

async function sendError(provider: SendGridEmailProvider, outbound: OutboundEmail = email): Promise<ProviderSendError> {
  try {
    await provider.send(outbound);
  } catch (error) {
    if (error instanceof ProviderSendError) return error;
    throw error;
  }
  throw new Error('expected a ProviderSendError');
}

describe('SendGridEmailProvider', () => {
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

  it('is named sendgrid', () => {
    expect(new SendGridEmailProvider(API_KEY).name).toBe('sendgrid');
  });

  it('refuses to start without an API key', () => {
    expect(() => new SendGridEmailProvider('  ')).toThrow('needs an API key');
  });

  it('posts the mail with the notification id in customArgs and returns X-Message-Id on 202', async () => {
    let body: unknown;
    const scope = nock(API)
      .post('/v3/mail/send', (sent) => {
        body = sent;
        return true;
      })
      .matchHeader('authorization', `Bearer ${API_KEY}`)
      .matchHeader('content-type', /application\/json/)
      .reply(202, '', { 'X-Message-Id': 'W86EgYT6SQKk0lRflfLRsA' });

    const result = await new SendGridEmailProvider(API_KEY).send(email);

    expect(result).toEqual({ providerMessageId: 'W86EgYT6SQKk0lRflfLRsA' });
    expect(scope.isDone()).toBe(true);
    expect(body).toEqual({
      from: { email: 'appointments@clinic.example', name: 'Riverside Clinic' },
      reply_to: { email: 'front-desk@clinic.example' },
      subject: 'Your check-up on Thursday, January 15, 2026',
      personalizations: [{ to: [{ email: 'ann@example.com', name: 'Ann Lee' }] }],
      content: [
        { type: 'text/plain', value: 'Hello Ann Lee\n\nAccept: https://app.example.com/m/tok/accept\n' },
        { type: 'text/html', value: '<!DOCTYPE html><html><body><p>Hello Ann Lee</p></body></html>' },
      ],
      attachments: [
        {
          content: Buffer.from(ics).toString('base64'),
          filename: 'invite.ics',
          type: 'text/calendar; method=REQUEST',
          disposition: 'attachment',
        },
      ],
      custom_args: { notificationId: 'ntf_0001' },
    });
  });

  it('omits reply-to, names and attachments that are not given, and copes without X-Message-Id', async () => {
    let body: Record<string, unknown> = {};
    nock(API)
      .post('/v3/mail/send', (sent) => {
        body = sent;
        return true;
      })
      .reply(202, '');

    const minimal: OutboundEmail = {
      ...email,
      to: { email: 'ann@example.com' },
      from: { email: 'appointments@clinic.example' },
      replyTo: undefined,
      attachments: [],
    };
    const result = await new SendGridEmailProvider(API_KEY).send(minimal);

    expect(result).toEqual({ providerMessageId: null });
    expect(body.from).toEqual({ email: 'appointments@clinic.example' });
    expect(body.personalizations).toEqual([{ to: [{ email: 'ann@example.com' }] }]);
    expect(body).not.toHaveProperty('reply_to');
    expect(body).not.toHaveProperty('attachments');
    expect(body.custom_args).toEqual({ notificationId: 'ntf_0001' });
  });

  it("turns a 400 into a permanent error carrying SendGrid's message", async () => {
    nock(API)
      .post('/v3/mail/send')
      .reply(400, { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: null }] });

    const error = await sendError(new SendGridEmailProvider(API_KEY));

    expect(error.transient).toBe(false);
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain('Does not contain a valid address.');
    expect(error.message).toBe('SendGrid answered HTTP 400: Does not contain a valid address. (field personalizations.0.to.0.email)');
  });

  it.each([
    {
      status: 401,
      body: { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] },
      transient: false,
    },
    {
      status: 403,
      body: { errors: [{ message: 'The from address does not match a verified Sender Identity.', field: 'from', help: null }] },
      transient: false,
    },
    { status: 413, body: { errors: [{ message: 'Payload Too Large' }] }, transient: false },
    { status: 429, body: { errors: [{ message: 'too many requests', field: null, help: null }] }, transient: true },
    { status: 500, body: { errors: [{ message: 'Internal error' }] }, transient: true },
    { status: 503, body: '', transient: true },
  ])('maps HTTP $status to transient=$transient', async ({ status, body, transient }) => {
    nock(API).post('/v3/mail/send').reply(status, body);

    const error = await sendError(new SendGridEmailProvider(API_KEY));

    expect(error).toBeInstanceOf(ProviderSendError);
    expect(error.transient).toBe(transient);
    expect(error.httpStatus).toBe(status);
    expect(error.message).toMatch(new RegExp(`^SendGrid answered HTTP ${status}`));
  });

  it('treats a connection error as transient', async () => {
    nock(API).post('/v3/mail/send').replyWithError(socketError('ECONNRESET', 'socket hang up'));

    const error = await sendError(new SendGridEmailProvider(API_KEY));

    expect(error.transient).toBe(true);
    expect(error.providerCode).toBe('ECONNRESET');
    expect(error.httpStatus).toBeUndefined();
    expect(error.message).toContain('socket hang up');
  });

  it('never puts the API key in the error', async () => {
    nock(API).post('/v3/mail/send').replyWithError(socketError('ECONNRESET', 'socket hang up'));

    const error = await sendError(new SendGridEmailProvider(API_KEY));

    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(API_KEY);
    expect(error.cause).toBeUndefined();
  });
  it('treats a timeout as transient', async () => {
    nock(API).post('/v3/mail/send').delay(1_000).reply(202, '');

    const error = await sendError(new SendGridEmailProvider(API_KEY, { timeoutMs: 50 }));

    expect(error.transient).toBe(true);
    expect(error.httpStatus).toBeUndefined();
  });
});
