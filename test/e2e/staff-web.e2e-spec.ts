import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { eventually } from '@appointments/testing';
import { createScenario, expectStatus, outboxHas } from './support/notifications';
import { confirmationTemplate, Platform, startPlatform } from './support/platform';

jest.setTimeout(180_000);

/**
 * The gateway's side of the staff web app (issue 16), against the five services as real
 * processes: the browser session and its forgery check, the app served at `/`, the live stream.
 */
let platform: Platform;
let webRoot: string;
const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

beforeAll(async () => {
  webRoot = mkdtempSync(path.join(tmpdir(), 'staff-web-e2e-'));
  mkdirSync(path.join(webRoot, 'assets'));
  writeFileSync(path.join(webRoot, 'index.html'), INDEX);
  writeFileSync(path.join(webRoot, 'assets', 'app-1a2b3c.js'), 'export {}');
  // The webhook signing token alone, as npm start gives it: dispatch keeps the local sink, inbound-response checks signatures, the gateway signs.
  platform = await startPlatform('e2e_staff_web', { STAFF_WEB_DIR: webRoot, TWILIO_AUTH_TOKEN: 'e2e-webhook-signing-token' });
});

afterAll(async () => {
  await platform?.stop();
  rmSync(webRoot, { recursive: true, force: true });
});

const url = (pathname: string) => `${platform.api.baseUrl}${pathname}`;
const admin = () => platform.environment.admin;

async function signIn(): Promise<{ cookie: string; setCookie: string; body: any }> {
  const response = await fetch(url('/api/auth/session'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ email: admin().email, password: admin().password }),
  });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0], setCookie, body: await response.json() };
}

describe('the browser session', () => {
  it('signs in with the cookie, answers who is signed in, and signs out', async () => {
    const { cookie, setCookie, body } = await signIn();
    expect(setCookie).toMatch(/^staff_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=(89\d|900); HttpOnly; SameSite=Strict$/);
    expect(body).toEqual({
      staff: { id: expect.any(String), email: admin().email, name: expect.any(String), role: 'admin' },
      expiresAt: expect.any(String),
    });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(800_000);

    const session = await fetch(url('/api/auth/session'), { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual(body);

    // The cookie opens the staff API for reads…
    const customers = await fetch(url('/api/customers'), { headers: { cookie } });
    expect(customers.status).toBe(200);

    const signOut = await fetch(url('/api/auth/session'), { method: 'DELETE', headers: { cookie } });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toBe('staff_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
  });

  it('answers 401 without a session, and 401 on a wrong password (the login check)', async () => {
    expect((await fetch(url('/api/auth/session'))).status).toBe(401);
    const wrong = await fetch(url('/api/auth/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin().email, password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const invalid = await fetch(url('/api/auth/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"x"}',
    });
    expect(invalid.status).toBe(400);
  });

  it('takes a bearer token on GET /api/auth/session too', async () => {
    const response = await platform.api.get('/api/auth/session');
    expect(response.status).toBe(200);
    expect(response.body.staff.email).toBe(admin().email);
  });

  it('refuses a cookie request that changes something without X-Requested-With, or from another site (403)', async () => {
    const { cookie } = await signIn();
    const body = JSON.stringify({ name: 'Csrf Probe', email: 'csrf.probe@example.com' });
    const post = (headers: Record<string, string>) =>
      fetch(url('/api/customers'), { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body });

    const bare = await post({});
    expect(bare.status).toBe(403);
    expect(await bare.json()).toMatchObject({ error: 'csrf_refused', message: expect.stringContaining('X-Requested-With: staff-web') });

    const crossSite = await post({ 'x-requested-with': 'staff-web', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: 'csrf_refused', message: expect.stringContaining('Sec-Fetch-Site') });

    const fromTheApp = await post({ 'x-requested-with': 'staff-web', 'sec-fetch-site': 'same-origin' });
    expect(fromTheApp.status).toBe(201);

    const signInFromElsewhere = await fetch(url('/api/auth/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ email: admin().email, password: admin().password }),
    });
    expect(signInFromElsewhere.status).toBe(403);
  });
});

describe('the app at /', () => {
  it('serves index.html with the app CSP, the SPA fallback, and immutable assets', async () => {
    const root = await fetch(url('/'), { headers: { accept: HTML } });
    expect(root.status).toBe(200);
    expect(await root.text()).toBe(INDEX);
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(root.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    );
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');

    const deep = await fetch(url('/events/6f1c5d2e-0000-4000-8000-000000000000'), { headers: { accept: HTML } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(INDEX);

    const asset = await fetch(url('/assets/app-1a2b3c.js'));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('keeps the JSON 404 of /api and the 404s of the other prefixes', async () => {
    const api = await fetch(url('/api/nothing-here'), { headers: { accept: HTML } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ statusCode: 404 });
    for (const pathname of ['/ops/nothing', '/health/nothing', '/webhooks/nothing', '/m']) {
      expect((await fetch(url(pathname), { headers: { accept: HTML } })).status).not.toBe(200);
    }
    const fetchOfAnAppRoute = await fetch(url('/events/1'), { headers: { accept: 'application/json' } });
    expect(fetchOfAnAppRoute.status).toBe(404);
  });
});

interface StreamMessage {
  id?: string;
  event?: string;
  data?: any;
}

/** Reads a text/event-stream as it arrives. */
async function openStream(headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(url('/api/live'), { headers, signal: controller.signal });
  const messages: StreamMessage[] = [];
  let raw = '';
  const reading = (async () => {
    if (response.status !== 200 || !response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: StreamMessage = {};
          for (const line of block.split('\n')) {
            const colon = line.indexOf(': ');
            if (line.startsWith('id: ')) message.id = line.slice(4);
            else if (line.startsWith('event: ')) message.event = line.slice(7);
            else if (line.startsWith('data: ')) message.data = JSON.parse(line.slice(colon + 2));
          }
          if (message.event) messages.push(message);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    response,
    messages,
    raw: () => raw,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

describe('GET /api/live', () => {
  it('refuses a visitor who is not signed in', async () => {
    const response = await fetch(url('/api/live'));
    expect(response.status).toBe(401);
  });

  it('streams the changes made through the API, to a cookie session and a bearer client alike, and replays on reconnect', async () => {
    const { cookie } = await signIn();
    const browser = await openStream({ cookie, accept: 'text/event-stream' });
    const program = await openStream({ authorization: `Bearer ${await bearer()}` });
    try {
      expect(browser.response.status).toBe(200);
      expect(browser.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(browser.response.headers.get('x-accel-buffering')).toBe('no');
      expect(browser.response.headers.get('content-encoding')).toBeNull();
      await until(() => expect(browser.raw()).toContain('retry: 2000\n\n'));

      const { event } = await createScenario(platform.api);
      const patched = await fetch(url(`/api/events/${event.id}`), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie, 'x-requested-with': 'staff-web' },
        body: JSON.stringify({ location: '456 Oak Ave' }),
      });
      expect(patched.status).toBe(200);
      const sent = await platform.api.post(`/api/events/${event.id}/notifications`, { type: 'confirmation' });
      expectStatus(sent, 202, 'send');

      for (const stream of [browser, program]) {
        await until(() => {
          expect(stream.messages).toContainEqual({
            id: expect.stringMatching(/^[a-f0-9]+\.\d+$/),
            event: 'event_changed',
            data: { eventId: event.id, type: 'FieldsChanged' },
          });
          expect(stream.messages).toContainEqual(
            expect.objectContaining({ event: 'event_changed', data: { eventId: event.id, type: 'EventBooked' } }),
          );
          expect(stream.messages).toContainEqual(
            expect.objectContaining({
              event: 'notification_status',
              data: { notificationId: sent.body.notificationIds[0], eventId: event.id, status: 'sent' },
            }),
          );
        }, 15_000);
      }
      const firstId = browser.messages.find((message) => message.data?.type === 'FieldsChanged')!.id!;
      const later = browser.messages
        .slice(browser.messages.findIndex((message) => message.id === firstId) + 1)
        .map((message) => message.id);

      // A reconnect with the id of the first message gets everything after it, in order.
      const replay = await openStream({ cookie, 'last-event-id': firstId });
      try {
        await until(() => expect(replay.messages.map((message) => message.id)).toEqual(expect.arrayContaining(later)));
        expect(replay.messages.slice(0, later.length).map((message) => message.id)).toEqual(later);
      } finally {
        await replay.close();
      }
      // Another replica's id (or one from before a restart): one resync.
      const elsewhere = await openStream({ cookie, 'last-event-id': 'abcdef123456.42' });
      try {
        await until(() => expect(elsewhere.messages[0]).toMatchObject({ event: 'resync', data: {} }));
      } finally {
        await elsewhere.close();
      }
    } finally {
      await browser.close();
      await program.close();
    }
  });
});

describe('GET /api/events: filters and pages', () => {
  it('filters by search, statuses, template and start, and pages with a cursor; the array stays without limit and cursor', async () => {
    const tag = Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
    const first = await createScenario(platform.api, {
      customer: { name: `Zed ${tag}` },
      event: { start: '2031-03-01T10:00:00Z', end: '2031-03-01T11:00:00Z' },
    });
    const template = first.template.id;
    const more = [];
    for (const [index, start] of ['2031-03-02T10:00:00Z', '2031-03-03T10:00:00Z', '2031-03-04T10:00:00Z'].entries()) {
      const created = await platform.api.post('/api/events', {
        customerId: first.customer.id,
        templateId: template,
        start,
        end: start.replace('T10', 'T11'),
        timeZone: 'UTC',
        location: `Room ${index}`,
      });
      expectStatus(created, 201, 'POST /api/events');
      more.push(created.body);
    }
    expectStatus(await platform.api.post(`/api/events/${more[2].id}/notifications`, { type: 'confirmation' }), 202, 'send');

    const ids = (answer: any) => (Array.isArray(answer) ? answer : answer.items).map((event: any) => event.id);
    const all = await platform.api.get(`/api/events?search=${tag.toUpperCase()}`);
    expect(Array.isArray(all.body)).toBe(true);
    expect(ids(all.body)).toEqual([more[2].id, more[1].id, more[0].id, first.event.id]);
    expect(ids((await platform.api.get(`/api/events?search=${tag}&bookingStatus=booked`)).body)).toEqual([more[2].id]);
    expect(ids((await platform.api.get(`/api/events?search=${tag}&notificationState=none&templateId=${template}`)).body)).toEqual([
      more[1].id,
      more[0].id,
      first.event.id,
    ]);
    const window = await platform.api.get(`/api/events?templateId=${template}&from=2031-03-02T00:00:00Z&to=2031-03-04T00:00:00Z&order=asc`);
    expect(ids(window.body)).toEqual([more[0].id, more[1].id]);

    const page1 = await platform.api.get(`/api/events?templateId=${template}&limit=3`);
    expect(page1.body).toEqual({ items: expect.any(Array), nextCursor: expect.any(String) });
    expect(ids(page1.body)).toEqual([more[2].id, more[1].id, more[0].id]);
    const page2 = await platform.api.get(`/api/events?templateId=${template}&limit=3&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toEqual({
      items: [expect.objectContaining({ id: first.event.id, customer: { id: first.customer.id, name: `Zed ${tag}` } })],
      nextCursor: null,
    });
    const defaultPage = await platform.api.get(`/api/events?templateId=${template}&cursor=${page1.body.nextCursor}`);
    expect(ids(defaultPage.body)).toEqual([first.event.id]);

    for (const bad of [
      'limit=0',
      'limit=501',
      'bookingStatus=maybe',
      'from=yesterday',
      'templateId=nope',
      'cursor=%25%25',
      'cursor=abc',
      'colour=red',
    ]) {
      const refused = await platform.api.get(`/api/events?${bad}`);
      expect([bad, refused.status]).toEqual([bad, 400]);
    }
    const customers = await platform.api.get(`/api/customers?search=zed%20${tag}`);
    expect(customers.body.map((customer: any) => customer.id)).toEqual([first.customer.id]);
  });
});

describe('the phone simulator', () => {
  it('lists the numbers the sink sent to, replies through the signed Twilio webhook, and keeps the conversation', async () => {
    const { cookie } = await signIn();
    const live = await openStream({ cookie });
    try {
      const { customer, event } = await createScenario(platform.api, {
        customer: { name: 'Pia Phone', preferredConfirmationMethod: 'sms' },
      });
      const phone: string = customer.phone;
      expectStatus(await platform.api.post(`/api/events/${event.id}/notifications`, { type: 'confirmation' }), 202, 'send');
      await outboxHas(platform.api, phone, 1, 'sms');

      const threads = await platform.api.get('/api/dev/phone/threads');
      expect(threads.status).toBe(200);
      expect(threads.body.items).toContainEqual({
        phone,
        customer: { id: customer.id, name: 'Pia Phone' },
        lastMessage: { direction: 'outbound', body: expect.stringContaining('Hi Pia Phone'), at: expect.any(String) },
      });

      const encoded = encodeURIComponent(phone);
      const reply = await platform.api.post(`/api/dev/phone/threads/${encoded}/replies`, { body: 'Running 5 minutes late' });
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({ messageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/), reply: expect.any(String) });

      const thread = await platform.api.get(`/api/dev/phone/threads/${encoded}`);
      expect(thread.body.items.map((message: any) => [message.direction, message.body])).toEqual([
        ['outbound', expect.stringContaining('Hi Pia Phone')],
        ['inbound', 'Running 5 minutes late'],
        ['outbound', reply.body.reply],
      ]);
      // The reply reached inbound-response for real: the live stream tells staff about it.
      await until(
        () =>
          expect(live.messages).toContainEqual(
            expect.objectContaining({ event: 'inbound_sms', data: expect.objectContaining({ phone, body: 'Running 5 minutes late' }) }),
          ),
        15_000,
      );
      // The dev outbox still lists only what the sink sent.
      const outbox = await platform.api.get(`/api/dev/outbox?to=${encoded}`);
      expect(outbox.body.map((message: any) => message.body)).not.toContain('Running 5 minutes late');

      for (const [path, body] of [
        ['/api/dev/phone/threads/not-a-phone', undefined],
        [`/api/dev/phone/threads/${encoded}/replies`, { body: '' }],
        [`/api/dev/phone/threads/${encoded}/replies`, { text: 'hi' }],
      ] as const) {
        const refused = body ? await platform.api.post(path, body) : await platform.api.get(path);
        expect([path, refused.status]).toEqual([path, 400]);
      }
      expect((await fetch(url('/api/dev/phone/threads'))).status).toBe(401);
    } finally {
      await live.close();
    }
  });
});

describe('POST /api/templates/landing-preview', () => {
  it('renders the landing page of a config as /m/:token would, for a template not saved, buttons inert', async () => {
    const template = confirmationTemplate();
    template.notificationConfigs[0].buttons = {
      accept: true,
      decline: true,
      reschedule: false,
      viewDetails: true,
      addToCalendar: true,
    } as any;
    const response = await platform.api.post('/api/templates/landing-preview', { template, configKey: 'confirmation' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'nonce-[\w-]+'; .*form-action 'none'.*; sandbox$/,
    );
    expect(response.body).toContain('Your Appointment with Acme');
    expect(response.body).toContain("form-action 'none'");
    expect(response.body).not.toMatch(/<script/i);

    const unknownKey = await platform.api.post('/api/templates/landing-preview', { template, configKey: 'reminder' });
    expect(unknownKey.status).toBe(400);
    const invalid = await platform.api.post('/api/templates/landing-preview', {
      template: { ...template, notificationConfigs: [{ key: 'x' }] },
      configKey: 'x',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('invalid_input');
    const missing = await platform.api.post('/api/templates/landing-preview', { configKey: 'confirmation' });
    expect(missing.status).toBe(400);
  });
});

/** Waits until the expectations hold. */
function until(expectations: () => void, timeoutMs = 10_000): Promise<boolean> {
  return eventually(
    () => {
      expectations();
      return true;
    },
    undefined,
    { timeoutMs, what: 'the stream' },
  );
}

async function bearer(): Promise<string> {
  const response = await platform.api.request(
    'POST',
    '/api/auth/login',
    { email: admin().email, password: admin().password },
    { anonymous: true },
  );
  return response.body.accessToken;
}
