import { eventually } from '@appointments/testing';
import { confirmationTemplate, Platform, startPlatform } from './support/platform';

jest.setTimeout(120_000);

/**
 * The first flow, through the public HTTP contract, against the five services running as
 * real processes on the real PostgreSQL, RabbitMQ and Redis.
 */
describe('booking an event and sending its confirmation', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform('e2e_flow');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  async function createBooking(customer: Record<string, unknown> = {}) {
    const api = platform.api;
    const customerResponse = await api.post('/api/customers', {
      name: 'Jane <Doe> & "Co"',
      email: `jane.${Date.now()}.${Math.random()}@example.com`,
      phone: '+1 415-555-0100',
      ...customer,
    });
    expect(customerResponse.status).toBe(201);
    const template = await api.post('/api/templates', confirmationTemplate());
    expect(template.status).toBe(201);
    const event = await api.post('/api/events', {
      customerId: customerResponse.body.id,
      templateId: template.body.id,
      start: '2027-01-15T14:00:00-05:00',
      end: '2027-01-15T15:30:00-05:00',
      timeZone: 'America/New_York',
      location: '123 Main St',
    });
    expect(event.status).toBe(201);
    return { customer: customerResponse.body, template: template.body, event: event.body };
  }

  it('answers every service /health with its database, broker and Redis up', async () => {
    for (const service of platform.stack.services) {
      const response = await fetch(`${service.url}/health`);
      const report = (await response.json()) as { checks: unknown };
      expect({ service: service.spec.name, status: response.status }).toEqual({ service: service.spec.name, status: 200 });
      expect(report.checks).toMatchObject({ database: { status: 'up' }, broker: { status: 'up' }, redis: { status: 'up' } });
    }
  });

  it('refuses an /api call without a token (401) and a login with a wrong password (401)', async () => {
    const anonymous = await platform.api.request('GET', '/api/events', undefined, { anonymous: true });
    expect(anonymous.status).toBe(401);
    const forged = await platform.api.request('GET', '/api/events', undefined, {
      anonymous: true,
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(forged.status).toBe(401);
    const wrong = await platform.api.request(
      'POST',
      '/api/auth/login',
      { email: 'admin@example.com', password: 'wrong-password' },
      { anonymous: true },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toHaveProperty('accessToken');
  });

  it('saves a draft event and sends nothing on save', async () => {
    const { customer, event } = await createBooking();
    expect(event).toMatchObject({
      bookingStatus: 'draft',
      attendeeStatus: 'needs_action',
      notificationState: 'none',
      title: '[DRAFT] Site visit with Jane <Doe> & "Co"',
    });
    expect(customer.phone).toBe('+14155550100');
    const outbox = await platform.api.get(`/api/dev/outbox?to=${encodeURIComponent(customer.email)}`);
    expect(outbox.status).toBe(200);
    expect(outbox.body).toEqual([]);
    const console = await platform.api.get(`/api/notifications?eventId=${event.id}`);
    expect(console.body.items).toEqual([]);
  });

  it('books the event, re-renders its title, logs chatter and the console, and delivers the email', async () => {
    const api = platform.api;
    const { customer, event } = await createBooking();
    const correlationId = `e2e-${Date.now()}`;
    const sent = await api.request(
      'POST',
      `/api/events/${event.id}/notifications`,
      { type: 'confirmation' },
      { headers: { 'x-correlation-id': correlationId } },
    );
    expect(sent.status).toBe(202);
    expect(sent.body.notificationIds).toHaveLength(1);
    const [notificationId] = sent.body.notificationIds;

    const booked = await api.get(`/api/events/${event.id}`);
    expect(booked.body).toMatchObject({
      bookingStatus: 'booked',
      notificationState: 'in_sync',
      title: '[BOOKED] Site visit with Jane <Doe> & "Co"',
    });

    const row = await eventually(
      async () => (await api.get(`/api/notifications?eventId=${event.id}`)).body.items[0],
      (item) => item?.status === 'sent',
      { what: 'the console row to be sent' },
    );
    expect(row).toMatchObject({
      id: notificationId,
      type: 'confirmation',
      channel: 'email',
      direction: 'outbound',
      recipientEmail: customer.email,
      provider: 'local-sink',
    });
    expect(row.sentAt).toEqual(expect.any(String));

    const [email] = (await api.get(`/api/dev/outbox?to=${encodeURIComponent(customer.email)}`)).body;
    expect(email.subject).toBe('Confirmed: Your Appointment with Acme on Friday, January 15, 2027');
    expect(email.html).toContain('Hello Jane &lt;Doe&gt; &amp; &quot;Co&quot;');
    expect(email.html).not.toContain('<Doe>');
    expect(email.text).toContain('on Friday, January 15, 2027 at 2:00 PM (America/New_York)');

    const chatter = await eventually(
      async () => (await api.get(`/api/events/${event.id}/chatter`)).body as { kind: string; body: string }[],
      (entries) => entries.some((entry) => entry.kind === 'notification_sent'),
      { what: 'the chatter entry of the sent confirmation' },
    );
    expect(chatter.map((entry) => entry.kind)).toEqual(['event_created', 'notification_requested', 'status_changed', 'notification_sent']);
    expect(chatter[2].body).toBe('Status changed from draft to booked');

    const traced = new Set(platform.logs.filter((log) => log.json?.correlationId === correlationId).map((log) => log.service));
    expect([...traced].sort()).toEqual(expect.arrayContaining(['gateway', 'notification-dispatch', 'scheduling']));
  });

  it('refuses what the state machine refuses with 409 and a message, and changes nothing', async () => {
    const api = platform.api;
    const { event } = await createBooking();
    expect((await api.post(`/api/events/${event.id}/notifications`, { type: 'confirmation' })).status).toBe(202);
    const again = await api.post(`/api/events/${event.id}/notifications`, { type: 'confirmation' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/confirmation can only be sent while the event is draft or cancelled/i);
    const update = await api.post(`/api/events/${event.id}/notifications`, { type: 'update' });
    expect(update.status).toBe(409);
    expect(update.body.message).toMatch(/in sync/i);
    const console = await eventually(
      async () => (await api.get(`/api/notifications?eventId=${event.id}`)).body.items,
      (items: unknown[]) => items.length >= 1,
    );
    expect(console).toHaveLength(1);
  });

  it('rejects malformed input with 400 naming the field', async () => {
    const api = platform.api;
    const cases: [string, string, unknown, string][] = [
      ['/api/customers', 'POST', { email: 'jane@example.com' }, 'name'],
      ['/api/customers', 'POST', { name: 'Jane', phone: '12345' }, 'phone'],
      ['/api/customers', 'POST', { name: 'Jane', preferredConfirmationMethod: 'fax' }, 'preferredConfirmationMethod'],
      ['/api/templates', 'POST', confirmationTemplate({ titlePattern: '{nope} visit' }), 'titlePattern'],
      [
        '/api/templates',
        'POST',
        confirmationTemplate({ reminderTriggers: [{ configKey: 'missing', offsetMinutes: 60 }] }),
        'reminderTriggers[0].configKey',
      ],
      [
        '/api/events',
        'POST',
        { customerId: 'x', templateId: 'y', start: 'tomorrow', end: '2027-01-01T10:00:00Z', timeZone: 'Mars/Base' },
        'start',
      ],
      [
        '/api/events',
        'POST',
        {
          customerId: '00000000-0000-4000-8000-000000000000',
          templateId: '00000000-0000-4000-8000-000000000000',
          start: '2027-01-01T10:00:00Z',
          end: '2027-01-01T11:00:00Z',
          timeZone: 'Mars/Base',
        },
        'timeZone',
      ],
    ];
    for (const [path, method, body, field] of cases) {
      const response = await api.request(method, path, body);
      expect({ path, field, status: response.status }).toEqual({ path, field, status: 400 });
      expect(response.body.message).toContain(field);
    }
    const { event } = await createBooking();
    const badType = await api.post(`/api/events/${event.id}/notifications`, { type: 'telegram' });
    expect(badType.status).toBe(400);
    expect(badType.body.message).toContain('type');
    const unknown = await api.get('/api/events/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });

  it("publishes an OpenAPI document with every route of the contract, each with its request body's fields", async () => {
    const response = await fetch(`${platform.stack.gatewayUrl}/api/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, any>>;
      components: { schemas: Record<string, any> };
    };
    // api.md's staff API, and the routes this platform adds to it.
    const routes: [string, string][] = [
      ['post', '/api/auth/login'],
      ['post', '/api/customers'],
      ['get', '/api/customers/{id}'],
      ['patch', '/api/customers/{id}'],
      ['post', '/api/templates'],
      ['put', '/api/templates/{id}'],
      ['post', '/api/events'],
      ['get', '/api/events/{id}'],
      ['patch', '/api/events/{id}'],
      ['get', '/api/events/{id}/chatter'],
      ['get', '/api/events/{id}/reminders'],
      ['post', '/api/events/{id}/notifications/preview'],
      ['post', '/api/events/{id}/notifications'],
      ['get', '/api/notifications'],
      ['post', '/api/notifications/batch'],
      ['get', '/api/dev/outbox'],
      ['get', '/api/settings/sender'],
      ['put', '/api/settings/sender'],
      ['get', '/api/stop-list'],
      ['post', '/api/stop-list'],
    ];
    expect(routes.filter(([method, path]) => !document.paths[path]?.[method])).toEqual([]);
    const bodyOf = (method: string, path: string) => {
      const reference: string = document.paths[path][method].requestBody.content['application/json'].schema.$ref;
      return Object.keys(document.components.schemas[reference.split('/').pop()!].properties).sort();
    };
    expect(bodyOf('patch', '/api/customers/{id}')).toEqual(['email', 'name', 'phone', 'preferredConfirmationMethod']);
    expect(bodyOf('post', '/api/events')).toEqual(
      expect.arrayContaining(['customerId', 'templateId', 'start', 'end', 'timeZone', 'salesperson']),
    );
    expect(bodyOf('patch', '/api/events/{id}')).toEqual(['description', 'end', 'location', 'salesperson', 'start', 'timeZone', 'videoUrl']);
  });

  it('answers 503 quickly when the owning service is down', async () => {
    await platform.stack.stopService('scheduling');
    const started = Date.now();
    const response = await platform.api.get('/api/events');
    expect(response.status).toBe(503);
    expect(response.body.message).toContain('scheduling');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(platform.crashes).toEqual([]); // stopped on purpose: not a crash
  });

  it('reports a service that dies with its exit and last lines, so a crash is never silent', async () => {
    const inbound = platform.stack.services.find((service) => service.spec.name === 'inbound-response')!;
    inbound.process.kill('SIGKILL');
    const [crash] = await eventually(
      () => platform.crashes,
      (crashes) => crashes.length > 0,
      { what: 'the crash reported' },
    );
    expect(crash).toMatchObject({ service: 'inbound-response', code: null, signal: 'SIGKILL' });
    expect(crash.lastLines.some((line) => line.includes('"service":"inbound-response"'))).toBe(true);
    platform.crashes.length = 0; // seen: not a failure of the suite
  });
});
