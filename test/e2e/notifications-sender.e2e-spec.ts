import { Platform, startPlatform } from './support/platform';
import { consoleRows, createScenario, everyType, getEvent, outbox, outboxHas, send, settledRows } from './support/notifications';

jest.setTimeout(180_000);

/**
 * The sender's address must be on a verified sending domain. Here only `acme.test` is
 * verified, so the default sender (appointments@example.com) may not send email.
 */
describe('an email sender on an unverified domain', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform('e2e_notif_sender', { VERIFIED_SENDER_DOMAINS: 'acme.test' });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('shows the sender as not verified', async () => {
    const settings = await platform.api.get('/api/settings/sender');
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ verifiedDomains: ['acme.test'], verified: false });
  });

  it('refuses an email send with 422 naming the domain, and changes nothing; an SMS-only send still goes', async () => {
    const api = platform.api;
    const email = await createScenario(api, { configs: everyType('email') });
    const refused = await send(api, email.event.id, { type: 'confirmation' });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('example.com');
    expect(await getEvent(api, email.event.id)).toMatchObject({ bookingStatus: 'draft', notificationState: 'none' });
    expect(await consoleRows(api, email.event.id)).toEqual([]);
    expect(await outbox(api, email.customer.email)).toEqual([]);

    const sms = await createScenario(api, { configs: everyType('sms') });
    const sent = await send(api, sms.event.id, { type: 'confirmation' });
    expect(sent.status).toBe(202);
    const [row] = await settledRows(api, sms.event.id, 1);
    expect(row).toMatchObject({ channel: 'sms', status: 'sent' });
    expect(await outboxHas(api, sms.customer.phone, 1)).toHaveLength(1);
  });

  it('sends email once staff choose a sender on the verified domain', async () => {
    const api = platform.api;
    const wrong = await api.request('PUT', '/api/settings/sender', { name: 'Acme', email: 'hello@example.com' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.message).toContain('example.com');
    const changed = await api.request('PUT', '/api/settings/sender', { name: 'Acme', email: 'hello@acme.test' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'hello@acme.test', verified: true });

    const { event, customer } = await createScenario(api, { configs: everyType('email') });
    expect((await send(api, event.id, { type: 'confirmation' })).status).toBe(202);
    const [message] = await outboxHas(api, customer.email, 1);
    expect(message.from).toContain('hello@acme.test');
  });
});
