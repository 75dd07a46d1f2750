import { eventually } from '@appointments/testing';
import { randomUUID } from 'node:crypto';
import { ApiResponse, confirmationTemplate, Platform, StaffApi, startPlatform } from './support/platform';
import {
  consoleRows,
  createScenario,
  EVENT_END,
  EVENT_START,
  expectStatus,
  notificationConfig,
  uniqueEmail,
} from './support/notifications';

jest.setTimeout(120_000);

/**
 * `Idempotency-Key` on the staff API's creating and sending routes, over the public HTTP
 * contract against the five services running as real processes: a retry with the same key
 * and body answers the first answer again and does nothing twice; another body is 422; of
 * concurrent duplicates exactly one does the work; keys belong to the staff user.
 */
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform('e2e_idempotency');
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;
const post = (path: string, body: unknown, key: string) => api().request('POST', path, body, { headers: { 'idempotency-key': key } });
const replayed = (response: ApiResponse) => response.headers.get('idempotent-replayed') === 'true';

async function customersWithEmail(email: string): Promise<unknown[]> {
  const found = await api().get(`/api/customers?search=${encodeURIComponent(email)}`);
  expectStatus(found, 200, 'GET /api/customers?search=');
  return found.body;
}

describe('Idempotency-Key', () => {
  it('a retried creation with the same key and body (its fields in another order) answers the first customer again, and only one exists', async () => {
    const key = randomUUID();
    const email = uniqueEmail();
    const first = await post('/api/customers', { name: 'Ann Lee', email, preferredConfirmationMethod: 'email' }, key);
    expectStatus(first, 201, 'the first POST /api/customers');
    expect(replayed(first)).toBe(false);

    const retry = await post('/api/customers', { preferredConfirmationMethod: 'email', email, name: 'Ann Lee' }, key);
    expectStatus(retry, 201, 'the retry');
    expect(replayed(retry)).toBe(true);
    expect(retry.body).toEqual(first.body);
    expect(await customersWithEmail(email)).toHaveLength(1);
  });

  it('the same key with another body, or on another route, is 422 and does nothing', async () => {
    const key = randomUUID();
    const email = uniqueEmail();
    expectStatus(await post('/api/customers', { name: 'Ann Lee', email }, key), 201, 'the first POST /api/customers');

    const otherEmail = uniqueEmail();
    const otherBody = await post('/api/customers', { name: 'Ann Lee', email: otherEmail }, key);
    expectStatus(otherBody, 422, 'the same key with another body');
    expect(otherBody.body).toMatchObject({ error: 'idempotency_key_reused', message: expect.stringContaining('another body') });
    expect(await customersWithEmail(otherEmail)).toHaveLength(0);

    const otherRoute = await post('/api/templates', confirmationTemplate(), key);
    expectStatus(otherRoute, 422, 'the same key on POST /api/templates');
    expect(otherRoute.body.message).toContain('POST /api/customers');
  });

  it("keys belong to the staff user: another user's same key is a request of its own, replayed to that user only", async () => {
    const password = `pw-${randomUUID()}`;
    const sam = await api().post('/api/users', { email: uniqueEmail('sam'), name: 'Sam Staff', password, role: 'staff' });
    expectStatus(sam, 201, 'POST /api/users');
    const samApi = new StaffApi(platform.stack.gatewayUrl);
    expectStatus(await samApi.login(sam.body.email, password), 200, "Sam's login");
    const key = randomUUID();
    const adminEmail = uniqueEmail();
    const samEmail = uniqueEmail();

    const byAdmin = await post('/api/customers', { name: 'Ann Lee', email: adminEmail }, key);
    expectStatus(byAdmin, 201, "the admin's creation");
    const bySam = await samApi.request(
      'POST',
      '/api/customers',
      { name: 'Bob Ray', email: samEmail },
      { headers: { 'idempotency-key': key } },
    );
    expectStatus(bySam, 201, "Sam's creation with the admin's key");
    expect(replayed(bySam)).toBe(false);
    expect(bySam.body.id).not.toBe(byAdmin.body.id);
    const samAgain = await samApi.request(
      'POST',
      '/api/customers',
      { name: 'Bob Ray', email: samEmail },
      { headers: { 'idempotency-key': key } },
    );
    expect({ replayed: replayed(samAgain), id: samAgain.body.id }).toEqual({ replayed: true, id: bySam.body.id });
    expect(await customersWithEmail(adminEmail)).toHaveLength(1);
    expect(await customersWithEmail(samEmail)).toHaveLength(1);
  });

  it('of five concurrent requests with one key, exactly one creates the event; the others are 409 or its replay', async () => {
    const customer = await api().post('/api/customers', { name: 'Ann Lee', email: uniqueEmail() });
    expectStatus(customer, 201, 'POST /api/customers');
    const template = await api().post('/api/templates', confirmationTemplate());
    expectStatus(template, 201, 'POST /api/templates');
    const body = {
      customerId: customer.body.id,
      templateId: template.body.id,
      start: EVENT_START,
      end: EVENT_END,
      timeZone: 'America/New_York',
    };
    const key = randomUUID();

    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/api/events', body, key)));

    const created = answers.filter((answer) => answer.status === 201 && !replayed(answer));
    expect(created).toHaveLength(1);
    for (const other of answers.filter((answer) => answer !== created[0])) {
      if (other.status === 409) expect(other.body).toMatchObject({ error: 'idempotency_key_in_progress' });
      else
        expect({ status: other.status, replayed: replayed(other), id: other.body.id }).toEqual({
          status: 201,
          replayed: true,
          id: created[0].body.id,
        });
    }
    const events = await api().get('/api/events');
    expectStatus(events, 200, 'GET /api/events');
    expect(
      events.body.filter((event: { customerId: string }) => event.customerId === customer.body.id).map((event: { id: string }) => event.id),
    ).toEqual([created[0].body.id]);
  });

  it('a send retried with the same key sends once, and so does a batch send', async () => {
    const { event } = await createScenario(api(), {
      customer: { preferredConfirmationMethod: 'email' },
      configs: [notificationConfig('rsvp_request')],
    });
    const sendPath = `/api/events/${event.id}/notifications`;
    const sendKey = randomUUID();
    const sent = await post(sendPath, { type: 'rsvp_request' }, sendKey);
    expectStatus(sent, 202, 'the send');
    const resent = await post(sendPath, { type: 'rsvp_request' }, sendKey);
    expectStatus(resent, 202, 'the retried send');
    expect(replayed(resent)).toBe(true);
    expect(resent.body).toEqual(sent.body);

    const batchKey = randomUUID();
    const batch = { sends: [{ eventId: event.id, type: 'rsvp_request' }] };
    const batchSent = await post('/api/notifications/batch', batch, batchKey);
    expectStatus(batchSent, 200, 'the batch send');
    expect(batchSent.body.accepted).toBe(1);
    const batchResent = await post('/api/notifications/batch', batch, batchKey);
    expect({ status: batchResent.status, replayed: replayed(batchResent), body: batchResent.body }).toEqual({
      status: 200,
      replayed: true,
      body: batchSent.body,
    });

    // A send without a key after them: once its row is in the console, the sends before it are too.
    const last = await api().post(sendPath, { type: 'rsvp_request' });
    expectStatus(last, 202, 'a send without a key');
    const rows = await eventually(
      () => consoleRows(api(), event.id, { direction: 'outbound' }),
      (found) => found.some((row) => row.id === last.body.notificationIds[0]),
      { what: 'the last send in the console', timeoutMs: 15_000 },
    );
    expect(rows.map((row) => row.id).sort()).toEqual(
      [...sent.body.notificationIds, ...batchSent.body.results[0].notificationIds, ...last.body.notificationIds].sort(),
    );
  });

  it('a refusal is kept too: the retry answers the same 404 without asking again', async () => {
    const key = randomUUID();
    const missing = randomUUID();
    const first = await post(`/api/events/${missing}/notifications`, { type: 'rsvp_request' }, key);
    expectStatus(first, 404, 'a send to an event that does not exist');
    const retry = await post(`/api/events/${missing}/notifications`, { type: 'rsvp_request' }, key);
    expect({ status: retry.status, replayed: replayed(retry), body: retry.body }).toEqual({
      status: 404,
      replayed: true,
      body: first.body,
    });
  });

  it('a key that is not 1 to 255 printable ASCII characters is 400 and nothing is created', async () => {
    const email = uniqueEmail();
    const answer = await post('/api/customers', { name: 'Ann Lee', email }, 'k'.repeat(256));
    expectStatus(answer, 400, 'a 256-character key');
    expect(answer.body.message).toContain('Idempotency-Key must be 1 to 255 printable ASCII characters');
    expect(await customersWithEmail(email)).toHaveLength(0);
  });

  it('OpenAPI documents the header on the creating and sending routes, not on the preview', async () => {
    const document = await api().get('/api/docs/openapi.json');
    expectStatus(document, 200, 'GET /api/docs/openapi.json');
    const takesKey = (path: string) =>
      (document.body.paths[path].post.parameters ?? []).some(
        (parameter: { in: string; name: string }) => parameter.in === 'header' && parameter.name === 'Idempotency-Key',
      );
    const marked = [
      '/api/customers',
      '/api/templates',
      '/api/events',
      '/api/events/{id}/notifications',
      '/api/notifications/batch',
      '/api/stop-list',
      '/api/users',
    ];
    expect(marked.filter(takesKey)).toEqual(marked);
    expect(takesKey('/api/events/{id}/notifications/preview')).toBe(false);
  });
});
