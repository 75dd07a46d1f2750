import { eventually } from '@appointments/testing';
import { NO_BUTTONS, Platform } from './support/platform';
import {
  ACCEPT_DECLINE,
  chatter,
  consoleRows,
  createScenario,
  everyType,
  getEvent,
  hrefs,
  landingTokensIn,
  messageSid,
  notificationConfig,
  outbox,
  outboxHas,
  outboxMessage,
  postSendGridEvents,
  postTwilioForm,
  preview,
  publicBaseUrl,
  rowWhere,
  send,
  settledRows,
  startPlatformWithInboundEnv,
  uniquePhone,
} from './support/notifications';

jest.setTimeout(180_000);

const TWILIO_AUTH_TOKEN = 'test-auth-token';

/**
 * Channels, content and delivery status: channel modes, the stop list, action buttons
 * from the toggles, HTML escaping, SMS text and segments, landing tokens, and provider
 * callbacks through inbound-response. Over the public HTTP contract (and the providers'
 * webhooks), against the five services running as real processes.
 */
let platform: Platform & { inboundPublicUrl: string };

beforeAll(async () => {
  platform = await startPlatformWithInboundEnv('e2e_notif_channels', (inboundUrl) => ({
    TWILIO_AUTH_TOKEN,
    PUBLIC_WEBHOOK_BASE_URL: inboundUrl,
  }));
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;

/** Sends and waits until every notification of the send (and any skip) is settled in the console. */
async function sendAndSettle(eventId: string, body: Record<string, unknown>, rows: number) {
  const sent = await send(api(), eventId, body);
  if (sent.status !== 202) throw new Error(`send ${JSON.stringify(body)}: ${sent.status} ${JSON.stringify(sent.body)}`);
  const settled = await settledRows(api(), eventId, rows);
  return { sent: sent.body, rows: settled };
}

describe('channel modes', () => {
  it('follow_preference with preferred sms sends one SMS', async () => {
    const { event, customer } = await createScenario(api(), { customer: { preferredConfirmationMethod: 'sms' } });
    const { sent, rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    expect(sent.notificationIds).toHaveLength(1);
    expect(rows).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent', recipientPhone: customer.phone })]);
    expect(await outboxHas(api(), customer.phone, 1)).toHaveLength(1);
    expect(await outbox(api(), customer.email)).toEqual([]);
  });

  it('follow_preference without a preference sends one email', async () => {
    const { event, customer } = await createScenario(api());
    const { rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    expect(rows).toEqual([expect.objectContaining({ channel: 'email', status: 'sent', recipientEmail: customer.email })]);
    expect(await outboxHas(api(), customer.email, 1)).toHaveLength(1);
    expect(await outbox(api(), customer.phone)).toEqual([]);
  });

  it('email only sends an email even to a customer who prefers SMS', async () => {
    const { event, customer } = await createScenario(api(), {
      customer: { preferredConfirmationMethod: 'sms' },
      configs: everyType('email'),
    });
    const { rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    expect(rows).toEqual([expect.objectContaining({ channel: 'email', status: 'sent' })]);
    expect(await outbox(api(), customer.phone)).toEqual([]);
  });

  it('sms only sends an SMS even to a customer who prefers email', async () => {
    const { event, customer } = await createScenario(api(), {
      customer: { preferredConfirmationMethod: 'email' },
      configs: everyType('sms'),
    });
    const { rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    expect(rows).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent' })]);
    expect(await outboxHas(api(), customer.phone, 1)).toHaveLength(1);
    expect(await outbox(api(), customer.email)).toEqual([]);
  });

  it('both sends two notifications, one by email and one by SMS', async () => {
    const { event, customer } = await createScenario(api(), { configs: everyType('both') });
    const { sent, rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 2);
    expect(sent.notificationIds).toHaveLength(2);
    expect(rows.map((row) => `${row.channel}:${row.status}`).sort()).toEqual(['email:sent', 'sms:sent']);
    expect(await outboxHas(api(), customer.email, 1)).toHaveLength(1);
    expect(await outboxHas(api(), customer.phone, 1)).toHaveLength(1);
  });

  it('both with no phone sends the email and logs the SMS as skipped with the reason', async () => {
    const { event, customer } = await createScenario(api(), { customer: { phone: null }, configs: everyType('both') });
    const { sent, rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 2);
    expect(sent.notificationIds).toHaveLength(1);
    expect(sent.skipped).toEqual([expect.objectContaining({ channel: 'sms', reason: 'no_phone_number' })]);
    const email = rows.find((row) => row.channel === 'email');
    const sms = rows.find((row) => row.channel === 'sms');
    expect(email).toMatchObject({ status: 'sent', recipientEmail: customer.email });
    expect(sms).toMatchObject({ status: 'skipped' });
    expect(sms.error).toMatch(/phone/i);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked' });
    const entries = await chatter(api(), event.id);
    expect(entries.find((entry) => entry.kind === 'notification_requested')?.body).toMatch(/skipped: .*phone/i);
  });

  it('sms only with no phone is 422 with a message, and nothing is sent or changed', async () => {
    const { event } = await createScenario(api(), { customer: { phone: null }, configs: everyType('sms') });
    const refused = await send(api(), event.id, { type: 'confirmation' });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/phone/i);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'draft', notificationState: 'none' });
    expect(await consoleRows(api(), event.id)).toEqual([]);
  });

  it('follow_preference to a customer who prefers SMS but has no phone is 422, not an email instead', async () => {
    const { event, customer } = await createScenario(api(), { customer: { phone: null, preferredConfirmationMethod: 'sms' } });
    const refused = await send(api(), event.id, { type: 'confirmation' });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/phone/i);
    expect(await outbox(api(), customer.email)).toEqual([]);
  });
});

describe('the stop list', () => {
  /** Polls the preview (a dry run of the send) until scheduling's copy of the stop list says `stopped` for the SMS. */
  async function untilSmsStopped(eventId: string, stopped: boolean) {
    return eventually(
      () => preview(api(), eventId, { type: 'confirmation' }),
      (answer) =>
        answer.status === 200 && answer.body.skipped.some((skip: any) => skip.channel === 'sms' && skip.reason === 'opted_out') === stopped,
      { what: `the SMS to be ${stopped ? '' : 'no longer '}skipped for the stop list`, timeoutMs: 15_000 },
    );
  }

  it('skips a stopped number (email still goes), refuses an SMS-only send (422), and sends again once the number is taken off', async () => {
    const phone = uniquePhone();
    const added = await api().post('/api/stop-list', { channel: 'sms', address: phone, reason: 'Asked by phone not to be texted' });
    if (added.status === 404 || added.status === 503)
      throw new Error(`POST /api/stop-list is not available: ${added.status} ${JSON.stringify(added.body)}`);
    expect([200, 201]).toContain(added.status);
    expect(added.body).toMatchObject({ channel: 'sms', address: phone });
    const listed = await api().get(`/api/stop-list?channel=sms&address=${encodeURIComponent(phone)}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ channel: 'sms', address: phone })]);
    const again = await api().post('/api/stop-list', { channel: 'sms', address: phone });
    expect([200, 201]).toContain(again.status);

    const both = await createScenario(api(), { customer: { phone }, configs: everyType('both') });
    await untilSmsStopped(both.event.id, true);
    const { sent, rows } = await sendAndSettle(both.event.id, { type: 'confirmation' }, 2);
    expect(sent.notificationIds).toHaveLength(1);
    expect(rows.find((row) => row.channel === 'email')).toMatchObject({ status: 'sent' });
    const skipped = rows.find((row) => row.channel === 'sms');
    expect(skipped).toMatchObject({ status: 'skipped' });
    expect(skipped.error).toMatch(/stop list/i);
    expect(await outbox(api(), phone)).toEqual([]);

    const smsOnly = await createScenario(api(), { customer: { phone }, configs: everyType('sms') });
    const refused = await send(api(), smsOnly.event.id, { type: 'confirmation' });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/stop list/i);
    expect(await getEvent(api(), smsOnly.event.id)).toMatchObject({ bookingStatus: 'draft' });

    const removed = await api().request('DELETE', `/api/stop-list/sms/${encodeURIComponent(phone)}`);
    expect(removed.status).toBe(200);
    expect((await api().get(`/api/stop-list?channel=sms&address=${encodeURIComponent(phone)}`)).body).toEqual([]);
    await untilSmsStopped(smsOnly.event.id, false);
    const { rows: smsRows } = await sendAndSettle(smsOnly.event.id, { type: 'confirmation' }, 1);
    expect(smsRows).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent', recipientPhone: phone })]);
    expect(await outboxHas(api(), phone, 1)).toHaveLength(1);
  });

  it('normalises a phone number typed with spaces and dashes to E.164, and refuses one that is not a phone (400)', async () => {
    const phone = uniquePhone();
    const typed = `+1 ${phone.slice(2, 5)}-${phone.slice(5, 8)}-${phone.slice(8)}`;
    const added = await api().post('/api/stop-list', { channel: 'sms', address: typed });
    expect([200, 201]).toContain(added.status);
    expect(added.body.address).toBe(phone);
    const bad = await api().post('/api/stop-list', { channel: 'sms', address: 'not a phone' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.any(String));
    const missing = await api().request('DELETE', `/api/stop-list/sms/${encodeURIComponent(uniquePhone())}`);
    expect(missing.status).toBe(404);
  });
});

describe('action buttons come from the toggles only', () => {
  const BUTTON_LINKS = {
    accept: (landing: string) => `${landing}?action=accept`,
    decline: (landing: string) => `${landing}?action=decline`,
    reschedule: (landing: string) => `${landing}?action=reschedule`,
    viewDetails: (landing: string) => landing,
    addToCalendar: (landing: string) => `${landing}/calendar.ics`,
  };

  it('accept and decline on: links to <PUBLIC_BASE_URL>/m/<token>?action=accept|decline and nothing else; the console copy has no token', async () => {
    const { event, customer } = await createScenario(api(), {
      configs: [notificationConfig('confirmation', { channelMode: 'email', buttons: ACCEPT_DECLINE })],
    });
    const { sent, rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    const message = await outboxMessage(api(), customer.email, sent.notificationIds[0]);
    const [token] = landingTokensIn(message.html);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(new Set(landingTokensIn(message.html))).toEqual(new Set([token]));
    const landing = `${publicBaseUrl(platform)}/m/${token}`;
    const links = hrefs(message.html);
    expect(links).toEqual(expect.arrayContaining([`${landing}?action=accept`, `${landing}?action=decline`]));
    expect(message.html).not.toContain('action=reschedule');
    expect(message.html).not.toContain('calendar.ics');
    expect(links.filter((link) => link.includes('/m/'))).toHaveLength(2);

    const [row] = rows;
    expect(row.html).not.toContain(token);
    expect(row.text ?? '').not.toContain(token);
    expect(row.html).toContain('redacted-landing-token');
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('each toggle on its own injects exactly its own link', async () => {
    const kinds = Object.keys(BUTTON_LINKS) as (keyof typeof BUTTON_LINKS)[];
    const { template, customer } = await createScenario(api(), {
      configs: kinds.map((kind) =>
        notificationConfig('confirmation', {
          key: `only-${kind.toLowerCase()}`,
          channelMode: 'email',
          buttons: { ...NO_BUTTONS, [kind]: true },
        }),
      ),
    });
    for (const kind of kinds) {
      const created = await api().post('/api/events', {
        customerId: customer.id,
        templateId: template.id,
        start: '2027-02-01T10:00:00Z',
        end: '2027-02-01T11:00:00Z',
        timeZone: 'UTC',
      });
      expect(created.status).toBe(201);
      const { sent } = await sendAndSettle(created.body.id, { type: 'confirmation', configKey: `only-${kind.toLowerCase()}` }, 1);
      const message = await outboxMessage(api(), customer.email, sent.notificationIds[0]);
      const [token] = landingTokensIn(message.html);
      expect({ kind, token }).toEqual({ kind, token: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/) });
      const landing = `${publicBaseUrl(platform)}/m/${token}`;
      const landingLinks = hrefs(message.html).filter((link) => link.startsWith(`${publicBaseUrl(platform)}/m/`));
      expect({ kind, links: [...new Set(landingLinks)] }).toEqual({ kind, links: [BUTTON_LINKS[kind](landing)] });
    }
  });

  it("keeps the author's own <a> as HTML but adds no buttons when every toggle is off", async () => {
    const { event, customer } = await createScenario(api(), {
      configs: [
        notificationConfig('confirmation', {
          channelMode: 'email',
          emailBody: '<p>Hello {{customerName}}. <a href="https://evil.test">Accept</a></p>',
          buttons: NO_BUTTONS,
        }),
      ],
    });
    const { sent } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    const message = await outboxMessage(api(), customer.email, sent.notificationIds[0]);
    expect(hrefs(message.html)).toContain('https://evil.test');
    expect(message.html).not.toContain('/m/');
    expect(message.text ?? '').not.toContain('/m/');
  });

  it('no toggles and no reply codes: no landing link in the email or the SMS', async () => {
    const { event, customer } = await createScenario(api(), { configs: everyType('both') });
    const { sent } = await sendAndSettle(event.id, { type: 'confirmation' }, 2);
    const messages = [...(await outbox(api(), customer.email)), ...(await outbox(api(), customer.phone))];
    expect(messages.map((message) => message.notificationId).sort()).toEqual([...sent.notificationIds].sort());
    for (const message of messages) {
      expect(`${message.html ?? ''}${message.text ?? ''}${message.body ?? ''}`).not.toContain('/m/');
    }
  });
});

describe('HTML escaping of hostile values', () => {
  it('escapes a customer named <script>alert(1)</script> & Co in the email; the SMS has the name as it is', async () => {
    const name = '<script>alert(1)</script> & Co';
    const { event, customer } = await createScenario(api(), { customer: { name }, configs: everyType('both') });
    const { sent, rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 2);
    const email = await outboxMessage(api(), customer.email, sent.notificationIds[0]);
    const sms = await outboxMessage(api(), customer.phone, sent.notificationIds[1]);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(email.html).not.toMatch(/<script/i);
    expect(email.text).toContain(name);
    expect(sms.body).toContain(`Hi ${name}, confirmation for`);
    const emailRow = rows.find((row) => row.channel === 'email');
    expect(emailRow.html).not.toMatch(/<script/i);
    expect(emailRow.recipientName).toBe(name);
  });
});

describe('SMS text and segments', () => {
  /** GSM-7 septets of a text made only of basic-set and extension characters (what these tests send). */
  const GSM_EXTENSION = new Set(['^', '{', '}', '\\', '[', '~', ']', '|', '€']);
  const gsmSegments = (text: string) => {
    const septets = [...text].reduce((sum, char) => sum + (GSM_EXTENSION.has(char) ? 2 : 1), 0);
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  };
  const ucs2Segments = (text: string) => (text.length <= 70 ? 1 : Math.ceil(text.length / 67));

  async function smsSend(smsBody: string, extra: Record<string, unknown> = {}) {
    const { event, customer } = await createScenario(api(), {
      configs: [notificationConfig('confirmation', { channelMode: 'sms', smsBody, ...extra })],
    });
    const { sent, rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    const message = await outboxMessage(api(), customer.phone, sent.notificationIds[0]);
    return { event, customer, row: rows[0], message };
  }

  it('with reply codes on: the landing link and the hint at the end; the console row has segments and encoding and no token', async () => {
    const { row, message } = await smsSend('Hi {{customerName}}, see you on {{date}} at {{time}} at {{location}}.', {
      replyCodes: { enabled: true },
    });
    expect(message.body.startsWith('Hi Ann Lee, see you on Friday, January 15, 2027 at 2:00 PM at 123 Main St.')).toBe(true);
    expect(message.body.endsWith('Reply 1 to confirm, 2 to reschedule, 3 to decline')).toBe(true);
    const [token] = landingTokensIn(message.body);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(message.body).toContain(`${publicBaseUrl(platform)}/m/${token}`);

    expect(row).toMatchObject({ channel: 'sms', status: 'sent', smsEncoding: 'GSM-7', smsSegments: gsmSegments(message.body) });
    expect(row.smsBody).toContain('redacted-landing-token');
    expect(row.smsBody).not.toContain(token);
    expect(row.smsBody.endsWith('Reply 1 to confirm, 2 to reschedule, 3 to decline')).toBe(true);
  });

  it('uses the config’s own code table in the hint', async () => {
    const { message } = await smsSend('Hi {{customerName}}.', {
      replyCodes: {
        enabled: true,
        codes: [
          { code: 'Y', action: 'accept' },
          { code: 'N', action: 'decline' },
        ],
      },
    });
    expect(message.body.endsWith('Reply Y to confirm, N to decline')).toBe(true);
  });

  it('counts GSM-7 segments, extension characters as two septets', async () => {
    // "Hi Ann Lee. " and 148 letters: exactly 160 characters, one segment; one more, two.
    const full = await smsSend(`Hi {{customerName}}. ${'a'.repeat(148)}`);
    expect(full.message.body).toHaveLength(160);
    expect(full.row).toMatchObject({ smsEncoding: 'GSM-7', smsSegments: 1 });
    const over = await smsSend(`Hi {{customerName}}. ${'a'.repeat(149)}`);
    expect(over.row).toMatchObject({ smsEncoding: 'GSM-7', smsSegments: 2 });

    // 157 characters, but each euro sign costs two septets: 162 septets, two segments.
    const extended = await smsSend(`Hi {{customerName}}. ${'€'.repeat(5)}${'a'.repeat(140)}`);
    expect(extended.message.body.length).toBeLessThanOrEqual(160);
    expect(extended.row).toMatchObject({ smsEncoding: 'GSM-7', smsSegments: gsmSegments(extended.message.body) });
    expect(extended.row.smsSegments).toBe(2);
  });

  it('an emoji makes the whole message UCS-2', async () => {
    const { row, message } = await smsSend('Hi {{customerName}} 🎉 see you on {{date}} at {{time}}, {{location}}.');
    expect(message.body).toContain('🎉');
    expect(row).toMatchObject({ smsEncoding: 'UCS-2', smsSegments: ucs2Segments(message.body) });
    expect(row.smsSegments).toBe(2);
  });
});

describe('delivery status from provider callbacks', () => {
  const signed = { authToken: TWILIO_AUTH_TOKEN, publicBaseUrl: '' };
  beforeAll(() => {
    signed.publicBaseUrl = platform.inboundPublicUrl;
  });

  /** Waits for a log line of one service whose JSON matches. */
  function logged(service: string, match: (json: Record<string, unknown>) => boolean, what: string) {
    return eventually(
      () => platform.logs.find((log) => log.service === service && log.json !== null && match(log.json)),
      (found) => Boolean(found),
      { what, timeoutMs: 15_000 },
    );
  }

  async function sentSms() {
    const { event, customer } = await createScenario(api(), { configs: everyType('sms') });
    const { sent, rows } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    expect(rows[0]).toMatchObject({ channel: 'sms', status: 'sent', provider: 'local-sink' });
    return { event, customer, notificationId: sent.notificationIds[0] as string };
  }

  it('Twilio: a signed delivered callback moves the row to delivered; a late sent leaves it delivered', async () => {
    const { event, notificationId } = await sentSms();
    const sid = messageSid();
    const path = `/webhooks/twilio/status?notificationId=${notificationId}`;
    const delivered = await postTwilioForm(
      platform,
      path,
      { MessageSid: sid, MessageStatus: 'delivered', AccountSid: `AC${'0'.repeat(32)}` },
      signed,
    );
    expect(delivered.status).toBe(204);
    const row = await rowWhere(api(), event.id, notificationId, (candidate) => candidate.status === 'delivered', 'the SMS to be delivered');
    expect(row).toMatchObject({ status: 'delivered', providerStatus: 'delivered', statusChangedAt: expect.any(String) });

    const late = await postTwilioForm(
      platform,
      path,
      { MessageSid: sid, MessageStatus: 'sent', AccountSid: `AC${'0'.repeat(32)}` },
      signed,
    );
    expect(late.status).toBe(204);
    // notification-dispatch says in its log when a report does not move the status.
    await logged(
      'notification-dispatch',
      (json) => json.notificationId === notificationId && json.reported === 'sent',
      'dispatch to have read the late sent',
    );
    const after = (await consoleRows(api(), event.id))[0];
    expect(after).toMatchObject({ status: 'delivered', providerStatus: 'delivered', statusChangedAt: row.statusChangedAt });
  });

  it('Twilio: a forged or missing signature is 403 and changes nothing', async () => {
    const { event, notificationId } = await sentSms();
    const path = `/webhooks/twilio/status?notificationId=${notificationId}`;
    const fields = { MessageSid: messageSid(), MessageStatus: 'delivered' };
    const forged = await postTwilioForm(platform, path, fields, { ...signed, authToken: 'not-the-auth-token' });
    expect(forged.status).toBe(403);
    const garbage = await postTwilioForm(platform, path, fields, { ...signed, signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(garbage.status).toBe(403);
    const missing = await postTwilioForm(platform, path, fields, { ...signed, signature: '' });
    expect(missing.status).toBe(403);
    // Signed over another notification's URL: the query is part of what is signed.
    const otherUrl = await postTwilioForm(platform, path, fields, {
      ...signed,
      signature: undefined,
      publicBaseUrl: `${signed.publicBaseUrl}/elsewhere`,
    });
    expect(otherUrl.status).toBe(403);
    const [row] = await consoleRows(api(), event.id);
    expect(row).toMatchObject({ id: notificationId, status: 'sent', providerStatus: null });
  });

  it('Twilio: undelivered with an error code marks the SMS undelivered and tells the chatter; a bad form is 400', async () => {
    const { event, notificationId } = await sentSms();
    const path = `/webhooks/twilio/status?notificationId=${notificationId}`;
    const badForm = await postTwilioForm(platform, path, { MessageSid: 'not-a-sid', MessageStatus: 'delivered' }, signed);
    expect(badForm.status).toBe(400);
    const undelivered = await postTwilioForm(
      platform,
      path,
      { MessageSid: messageSid(), MessageStatus: 'undelivered', ErrorCode: '30003' },
      signed,
    );
    expect(undelivered.status).toBe(204);
    const row = await rowWhere(
      api(),
      event.id,
      notificationId,
      (candidate) => candidate.status === 'undelivered',
      'the SMS to be undelivered',
    );
    expect(row.error).toContain('30003');
    const entries = await eventually(
      () => chatter(api(), event.id),
      (all) => all.some((entry) => entry.kind === 'notification_failed'),
      { what: 'the undelivered SMS in the chatter' },
    );
    expect(entries.find((entry) => entry.kind === 'notification_failed')!.body).toMatch(/not delivered/i);
  });

  it('SendGrid: a bounce event (notificationId custom arg) marks the email bounced and tells the chatter; the same sg_event_id again changes nothing', async () => {
    const { event, customer } = await createScenario(api(), { configs: everyType('email') });
    const { sent } = await sendAndSettle(event.id, { type: 'confirmation' }, 1);
    const notificationId = sent.notificationIds[0];
    const sgEventId = `sg-event-${notificationId}`;
    const bounce = {
      email: customer.email,
      timestamp: Math.floor(Date.now() / 1000),
      event: 'bounce',
      type: 'bounce',
      status: '5.1.1',
      reason: '550 5.1.1 The email account that you tried to reach does not exist',
      sg_event_id: sgEventId,
      sg_message_id: 'local.filter0001.16648.5515E0B88.0',
      notificationId,
    };
    const posted = await postSendGridEvents(platform, [
      bounce,
      { email: customer.email, event: 'open', sg_event_id: `${sgEventId}-other`, timestamp: 1 },
    ]);
    expect(posted.status).toBe(204);
    const row = await rowWhere(api(), event.id, notificationId, (candidate) => candidate.status === 'bounced', 'the email to be bounced');
    expect(row.error).toMatch(/does not exist|5\.1\.1/);
    const entries = await eventually(
      () => chatter(api(), event.id),
      (all) => all.some((entry) => entry.kind === 'notification_failed'),
      { what: 'the bounce in the chatter' },
    );
    const failed = entries.filter((entry) => entry.kind === 'notification_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].body).toMatch(/bounced/i);

    const again = await postSendGridEvents(platform, [bounce]);
    expect(again.status).toBe(204);
    await logged(
      'inbound-response',
      (json) => json.msg === 'SendGrid events received' && json.duplicates === 1,
      'inbound-response to have seen the duplicate',
    );
    expect((await consoleRows(api(), event.id))[0]).toMatchObject({ status: 'bounced', updatedAt: row.updatedAt });
    expect((await chatter(api(), event.id)).filter((entry) => entry.kind === 'notification_failed')).toHaveLength(1);
  });

  it('SendGrid: a body that is not a JSON array is 400', async () => {
    const response = await fetch(`${platform.stack.url('inbound-response')}/webhooks/sendgrid/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'bounce' }),
    });
    expect(response.status).toBe(400);
  });
});
