import { eventually } from '@appointments/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { StaffApi } from './support/platform';
import { expectStatus, outbox, outboxHas, uniqueEmail, uniquePhone } from './support/notifications';
import {
  invitedBySms as invitedBySmsOn,
  postSms as postSmsTo,
  smsForm,
  SmsPlatform,
  startSmsPlatform,
  twimlMessage,
} from './support/sms-replies';

jest.setTimeout(180_000);

const HELP_TEXT = 'Acme: reply 1 to confirm. Reply STOP to opt out.';
const NO_OPEN_REPLY = 'Sorry, we could not match your message to an appointment.';

/**
 * Two-way SMS conversations over HTTP, as Twilio and staff use them (api.md, "Conversations";
 * docs/conversations.md): every SMS in and out kept per number, staff messages through the SMS
 * path, the stop list, unread counts per staff member, the 30-day window and older pages.
 */
let platform: SmsPlatform;

beforeAll(async () => {
  platform = await startSmsPlatform('e2e_conversations', { SMS_HELP_TEXT: HELP_TEXT, SMS_NO_OPEN_NOTIFICATION_REPLY: NO_OPEN_REPLY });
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;
const enc = (phone: string) => encodeURIComponent(phone);

function postSms(from: string, body: string) {
  return postSmsTo(platform, smsForm(from, body));
}

async function messagesOf(phone: string, query = '', client: StaffApi = api()) {
  const response = await client.get(`/api/conversations/${enc(phone)}/messages${query}`);
  expectStatus(response, 200, 'GET messages');
  return response.body as { items: any[]; nextCursor: string | null };
}

function untilMessages(phone: string, accept: (items: any[]) => boolean, what: string) {
  return eventually(async () => (await messagesOf(phone)).items, accept, { what, timeoutMs: 15_000 });
}

async function conversation(phone: string, client: StaffApi = api()) {
  const response = await client.get(`/api/conversations?search=${enc(phone)}`);
  expectStatus(response, 200, 'GET /api/conversations');
  return (response.body.items as any[]).find((item) => item.phone === phone);
}

describe('inbound SMS', () => {
  it('from an unknown number, with nothing open: kept with its TwiML answer, listed without a customer, on the dashboard and the live stream', async () => {
    const stream = await openStream(platform.stack.gatewayUrl, await bearerOf(api()));
    try {
      const stranger = uniquePhone();
      const answer = await postSms(stranger, 'Who is this?');
      expect(answer).toMatchObject({ status: 200, text: twimlMessage(NO_OPEN_REPLY) });

      const items = await untilMessages(stranger, (found) => found.length === 2, 'the SMS and its answer');
      expect(items).toEqual([
        expect.objectContaining({ direction: 'inbound', body: 'Who is this?', source: 'customer', status: 'delivered' }),
        expect.objectContaining({ direction: 'outbound', body: NO_OPEN_REPLY, source: 'auto_reply', status: 'sent' }),
      ]);
      expect(items[0].staffId).toBeUndefined();
      expect(Date.parse(items[0].at)).toBeLessThan(Date.parse(items[1].at));

      const listed = await conversation(stranger);
      expect(listed).toMatchObject({ phone: stranger, lastMessage: { direction: 'outbound', body: NO_OPEN_REPLY }, unread: 1 });
      expect(listed.customer).toBeUndefined();

      const recent = await api().get('/api/dashboard/recent-sms');
      expectStatus(recent, 200, 'GET /api/dashboard/recent-sms');
      expect(recent.body.items).toContainEqual({ phone: stranger, body: 'Who is this?', at: items[0].at });
      expect(recent.body.items.length).toBeLessThanOrEqual(10);

      await eventually(
        () => stream.messages.filter((message) => message.data?.phone === stranger),
        (found) => found.some((message) => message.event === 'inbound_sms'),
        { what: 'inbound_sms on the stream', timeoutMs: 10_000 },
      );
      const told = stream.messages.find((message) => message.event === 'inbound_sms' && message.data.phone === stranger)!;
      expect(told.data).toEqual({ phone: stranger, body: 'Who is this?', at: items[0].at });
      await eventually(
        () => stream.messages.filter((message) => message.event === 'conversation_message' && message.data.phone === stranger),
        (found) => found.length === 2,
        { what: 'conversation_message for the SMS and its answer', timeoutMs: 10_000 },
      );
    } finally {
      await stream.close();
    }
  });

  it("from a customer's number with nothing open: linked to the customer, HELP and its answer kept", async () => {
    const stream = await openStream(platform.stack.gatewayUrl, await bearerOf(api()));
    try {
      const phone = uniquePhone();
      const customer = await api().post('/api/customers', { name: 'Nora Quinn', email: uniqueEmail(), phone });
      expectStatus(customer, 201, 'POST /api/customers');
      await postSms(phone, 'Can I come earlier?');
      await postSms(phone, 'HELP');
      const items = await untilMessages(phone, (found) => found.length === 4, 'two SMS and two answers');
      expect(items.map((item) => [item.direction, item.source, item.body])).toEqual([
        ['inbound', 'customer', 'Can I come earlier?'],
        ['outbound', 'auto_reply', NO_OPEN_REPLY],
        ['inbound', 'customer', 'HELP'],
        ['outbound', 'auto_reply', HELP_TEXT],
      ]);
      expect(await conversation(phone)).toMatchObject({ customer: { id: customer.body.id, name: 'Nora Quinn' }, unread: 2 });
      const byName = await api().get('/api/conversations?search=nora%20q');
      expect(byName.body.items.map((item: any) => item.phone)).toContain(phone);

      await eventually(
        () => stream.messages.find((message) => message.event === 'inbound_sms' && message.data.phone === phone),
        (found) => Boolean(found),
        { what: 'inbound_sms with the customer', timeoutMs: 10_000 },
      );
      const told = stream.messages.find((message) => message.event === 'inbound_sms' && message.data.phone === phone)!;
      expect(told.data).toMatchObject({ phone, body: 'Can I come earlier?', customer: { id: customer.body.id, name: 'Nora Quinn' } });
    } finally {
      await stream.close();
    }
  });

  it('with an open notification: the notification, the reply code and free text, in time order', async () => {
    const { phone, customer, notificationId } = await invitedBySmsOn(api());
    await postSms(phone, '1');
    await postSms(phone, 'Running late');
    const items = await untilMessages(phone, (found) => found.length >= 3, 'the RSVP, the code and the text');
    expect(items.slice(0, 3).map((item) => [item.direction, item.source, item.body.split('\n')[0]])).toEqual([
      ['outbound', 'notification', expect.any(String)],
      ['inbound', 'customer', '1'],
      ['inbound', 'customer', 'Running late'],
    ]);
    expect(items[0]).toMatchObject({ id: notificationId, status: 'sent' });
    expect(await conversation(phone)).toMatchObject({ customer: { id: customer.id, name: customer.name } });
  });
});

describe('staff messages', () => {
  it('a reply and a first message go through the SMS path: local sink, status sent, author, console row; Idempotency-Key replays', async () => {
    const { phone } = await invitedBySmsOn(api());
    const me = await api().get('/api/auth/session');
    const sent = await api().request(
      'POST',
      `/api/conversations/${enc(phone)}/messages`,
      { body: 'See you at 3 pm ✅' },
      {
        headers: { 'idempotency-key': `reply-${randomUUID()}` },
      },
    );
    expectStatus(sent, 202, 'POST conversation message');
    expect(sent.body).toEqual({ id: expect.any(String) });
    const delivered = await outboxHas(api(), phone, 2, 'sms');
    expect(delivered.map((message) => message.body)).toContain('See you at 3 pm ✅');
    const items = await untilMessages(
      phone,
      (found) => found.some((item) => item.id === sent.body.id && item.status === 'sent'),
      'the staff message sent',
    );
    expect(items.find((item) => item.id === sent.body.id)).toMatchObject({
      direction: 'outbound',
      source: 'staff',
      body: 'See you at 3 pm ✅',
      staffId: me.body.staff.id,
    });
    const console = await api().get(`/api/notifications?recipient=${enc(phone)}`);
    expect(JSON.stringify(console.body)).toContain(sent.body.id);

    // A first message to a number that never wrote.
    const fresh = uniquePhone();
    const key = `first-${randomUUID()}`;
    const first = await api().request(
      'POST',
      `/api/conversations/${enc(fresh)}/messages`,
      { body: 'Hello from Acme' },
      {
        headers: { 'idempotency-key': key },
      },
    );
    expectStatus(first, 202, 'first message');
    const again = await api().request(
      'POST',
      `/api/conversations/${enc(fresh)}/messages`,
      { body: 'Hello from Acme' },
      {
        headers: { 'idempotency-key': key },
      },
    );
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    await outboxHas(api(), fresh, 1, 'sms');
    await untilMessages(fresh, (found) => found.length === 1 && found[0].status === 'sent', 'the first message sent');
    expect((await outbox(api(), fresh, 'sms')).length).toBe(1);
  });

  it('a stopped number is refused with 422 naming the stop list, and nothing is sent', async () => {
    const phone = uniquePhone();
    await postSms(phone, 'STOP');
    await untilMessages(phone, (found) => found.length >= 1, 'the STOP');
    const before = (await outbox(api(), phone, 'sms')).length;
    const refused = await api().post(`/api/conversations/${enc(phone)}/messages`, { body: 'Are you sure?' });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toMatch(/stop list/i);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await outbox(api(), phone, 'sms')).length).toBe(before);
    expect((await messagesOf(phone)).items.some((item) => item.source === 'staff')).toBe(false);
  });

  it('refuses a malformed phone, an empty body and a bad cursor with 400', async () => {
    expect((await api().get('/api/conversations/4155550100/messages')).status).toBe(400);
    expect((await api().post('/api/conversations/not-a-phone/messages', { body: 'hi' })).status).toBe(400);
    expect((await api().post(`/api/conversations/${enc(uniquePhone())}/messages`, { body: '  ' })).status).toBe(400);
    expect((await api().get(`/api/conversations/${enc(uniquePhone())}/messages?before=garbage`)).status).toBe(400);
    expect((await api().get('/api/conversations?cursor=garbage')).status).toBe(400);
    expect((await api().post('/api/conversations/abc/read', {})).status).toBe(400);
  });
});

describe('unread counts', () => {
  it('are per staff member: reading clears them for the reader only; unread first, then the latest', async () => {
    const password = `Pw-${randomUUID()}`;
    const email = uniqueEmail('sam');
    expectStatus(await api().post('/api/users', { email, name: 'Sam Staff', password, role: 'staff' }), 201, 'POST /api/users');
    const sam = new StaffApi(platform.stack.gatewayUrl);
    expectStatus(await sam.login(email, password), 200, 'login as Sam');

    const phone = uniquePhone();
    await postSms(phone, 'First');
    await postSms(phone, 'Second');
    await untilMessages(phone, (found) => found.filter((item) => item.direction === 'inbound').length === 2, 'two SMS');
    expect(await conversation(phone)).toMatchObject({ unread: 2 });
    expect(await conversation(phone, sam)).toMatchObject({ unread: 2 });

    expect((await api().post(`/api/conversations/${enc(phone)}/read`, {})).status).toBe(204);
    expect(await conversation(phone)).toMatchObject({ unread: 0 });
    expect(await conversation(phone, sam)).toMatchObject({ unread: 2 });

    const unreadOnly = await api().get('/api/conversations?unread=true&limit=200');
    expect(unreadOnly.body.items.map((item: any) => item.phone)).not.toContain(phone);
    const samUnread = await sam.get('/api/conversations?unread=true&limit=200');
    expect(samUnread.body.items.map((item: any) => item.phone)).toContain(phone);

    // Unread first, then by the latest message, across pages.
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await sam.get(`/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expectStatus(page, 200, 'a page of the inbox');
      pages.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const flags = pages.map((item) => item.unread > 0);
    expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
    expect(new Set(pages.map((item) => item.phone)).size).toBe(pages.length);

    await postSms(phone, 'Third');
    await eventually(
      () => conversation(phone),
      (found) => found?.unread === 1,
      { what: 'one unread for the admin', timeoutMs: 15_000 },
    );
    expect(await conversation(phone, sam)).toMatchObject({ unread: 3 });
  });
});

describe('the 30-day window', () => {
  it('shows the last 30 days, and older messages page by cursor', async () => {
    const phone = uniquePhone();
    await postSms(phone, 'Recent');
    await untilMessages(phone, (found) => found.length === 2, 'the recent SMS and its answer');
    // Older messages, as if kept for months: written straight into notification-dispatch's store.
    const day = 24 * 60 * 60_000;
    const old = [45, 40, 35].map((days) => ({ id: randomUUID(), at: new Date(Date.now() - days * day), body: `${days} days ago` }));
    const client = new Client({ connectionString: platform.environment.databaseUrl });
    await client.connect();
    try {
      for (const message of old) {
        await client.query(
          `INSERT INTO notification_dispatch.conversation_messages (id, phone, direction, source, body, at, status)
           VALUES ($1, $2, 'inbound', 'customer', $3, $4, 'delivered')`,
          [message.id, phone, message.body, message.at],
        );
      }
    } finally {
      await client.end();
    }
    const recent = await messagesOf(phone);
    expect(recent.items.map((item) => item.body)).toEqual(['Recent', NO_OPEN_REPLY]);
    expect(recent.nextCursor).toEqual(expect.any(String));

    const older = await messagesOf(phone, `?before=${recent.nextCursor}&limit=2`);
    expect(older.items.map((item) => item.body)).toEqual(['40 days ago', '35 days ago']);
    const oldest = await messagesOf(phone, `?before=${older.nextCursor}&limit=2`);
    expect(oldest.items.map((item) => item.body)).toEqual(['45 days ago']);
    expect(oldest.nextCursor).toBeNull();

    const paged = await messagesOf(phone, '?limit=1');
    expect(paged.items.map((item) => item.body)).toEqual([NO_OPEN_REPLY]);
    const next = await messagesOf(phone, `?before=${paged.nextCursor}&limit=1`);
    expect(next.items.map((item) => item.body)).toEqual(['Recent']);
  });
});

async function bearerOf(client: StaffApi): Promise<string> {
  return (client as unknown as { token: string }).token;
}

interface StreamMessage {
  event?: string;
  data?: any;
}

/** Reads `GET /api/live` (Bearer) as it arrives. */
async function openStream(baseUrl: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/live`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(response.status).toBe(200);
  const messages: StreamMessage[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: StreamMessage = {};
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) message.event = line.slice(7);
            else if (line.startsWith('data: ')) message.data = JSON.parse(line.slice(6));
          }
          if (message.event) messages.push(message);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    messages,
    async close() {
      controller.abort();
      await reading;
    },
  };
}
