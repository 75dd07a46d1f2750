import { randomBytes } from 'node:crypto';
import { Platform, startPlatform } from './support/platform';
import {
  chatter,
  createScenario,
  expectStatus,
  getEvent,
  outbox,
  outboxHas,
  send,
  settledRows,
  uniqueEmail,
  uniquePhone,
} from './support/notifications';

jest.setTimeout(120_000);

/**
 * Editing a customer (`PATCH /api/customers/:id`) over the public HTTP contract, against the five
 * services running as real processes: the answer, what follows on the customer's events (title,
 * chatter, where the next notification goes), and the refusals.
 */
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform('e2e_customers');
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;

async function newCustomer(body: Record<string, unknown> = {}) {
  const created = await api().post('/api/customers', { name: 'Ann Lee', email: uniqueEmail(), phone: uniquePhone(), ...body });
  expectStatus(created, 201, 'POST /api/customers');
  return created.body;
}

describe('editing a customer', () => {
  it('changes the fields given, normalises the phone, clears a field given as null, and answers the customer as it now is', async () => {
    const customer = await newCustomer({ preferredConfirmationMethod: 'sms' });
    const phone = uniquePhone();
    const spaced = `${phone.slice(0, 2)} ${phone.slice(2, 5)}-${phone.slice(5, 8)}-${phone.slice(8)}`;

    const patched = await api().patch(`/api/customers/${customer.id}`, {
      name: '  Ann Smith ',
      phone: spaced,
      preferredConfirmationMethod: null,
    });
    expectStatus(patched, 200, 'PATCH /api/customers/:id');
    expect(patched.body).toEqual({
      ...customer,
      name: 'Ann Smith',
      phone,
      preferredConfirmationMethod: null,
      updatedAt: expect.any(String),
    });
    expect(new Date(patched.body.updatedAt).getTime()).toBeGreaterThan(new Date(customer.updatedAt).getTime());
    expect((await api().get(`/api/customers/${customer.id}`)).body).toEqual(patched.body);

    const cleared = await api().patch(`/api/customers/${customer.id}`, { email: null });
    expectStatus(cleared, 200, 'PATCH clearing the email');
    expect(cleared.body.email).toBeNull();
  });

  it("re-titles the customer's events, writes a chatter line on them, and sends the next notification to the new address only", async () => {
    const { customer, event } = await createScenario(api(), { customer: { preferredConfirmationMethod: 'email' } });
    const confirmation = await send(api(), event.id, { type: 'confirmation' });
    expectStatus(confirmation, 202, 'the confirmation');
    await settledRows(api(), event.id, 1);
    const newEmail = uniqueEmail('ann.smith');

    const patched = await api().patch(`/api/customers/${customer.id}`, { name: 'Ann Smith', email: newEmail });
    expectStatus(patched, 200, 'PATCH /api/customers/:id');

    expect(await getEvent(api(), event.id)).toMatchObject({ title: '[BOOKED] Consultation with Ann Smith', bookingStatus: 'booked' });
    const lines = (await chatter(api(), event.id)).filter((entry) => entry.kind === 'customer_updated');
    expect(lines.map((entry) => entry.body)).toEqual([
      `Admin changed the customer's name from "Ann Lee" to "Ann Smith", email from "${customer.email}" to "${newEmail}"; notifications from now on use the new details`,
    ]);
    expect(lines[0].data).toEqual({
      customerId: customer.id,
      changes: [
        { field: 'name', oldValue: 'Ann Lee', newValue: 'Ann Smith' },
        { field: 'email', oldValue: customer.email, newValue: newEmail },
      ],
    });

    const invitation = await send(api(), event.id, { type: 'rsvp_request' });
    expectStatus(invitation, 202, 'the RSVP request');
    const [message] = await outboxHas(api(), newEmail, 1, 'email');
    expect(message.notificationId).toBe(invitation.body.notificationIds[0]);
    expect(message.html).toContain('Hello Ann Smith');
    await settledRows(api(), event.id, 2);
    expect((await outbox(api(), customer.email, 'email')).map((sent) => sent.notificationId)).toEqual([
      confirmation.body.notificationIds[0],
    ]);
  });

  it('finds customers by part of the name or email in any case, or by the digits of the phone however they are typed', async () => {
    const tag = randomBytes(4).toString('hex');
    const phone = uniquePhone();
    const zoe = await newCustomer({ name: `Zoë ${tag} Martin`, email: `zoe.${tag}@example.com`, phone });
    const max = await newCustomer({ name: `Max ${tag} 50%_off`, email: `max.${tag}@example.org`, phone: null });
    const found = async (search: string) => {
      const response = await api().get(`/api/customers?${new URLSearchParams({ search })}`);
      expectStatus(response, 200, `GET /api/customers?search=${search}`);
      return (response.body as { id: string }[]).map((customer) => customer.id);
    };
    // search | who is found
    const cases: [string, string[]][] = [
      [tag, [max.id, zoe.id]], // newest first
      [`ZOË ${tag.toUpperCase()}`, [zoe.id]],
      [`zoe.${tag}@EXAMPLE.com`, [zoe.id]],
      [`${tag}@example.org`, [max.id]],
      [`${phone.slice(2, 5)} ${phone.slice(5, 8)}-${phone.slice(8)}`, [zoe.id]],
      [`${tag} 50%_`, [max.id]],
      [`${tag} 50%off`, []], // % and _ are the characters typed, not wildcards (as one, "50%off" would match "50%_off")
      [`nobody-${tag}`, []],
    ];
    for (const [search, ids] of cases) expect({ search, ids: await found(search) }).toEqual({ search, ids });

    const tooLong = await api().get(`/api/customers?search=${'x'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain('search');
  });

  it('writes nothing for an edit that changes nothing', async () => {
    const { customer, event } = await createScenario(api());
    for (const body of [{}, { name: customer.name, email: customer.email }]) {
      const patched = await api().patch(`/api/customers/${customer.id}`, body);
      expectStatus(patched, 200, `PATCH ${JSON.stringify(body)}`);
      expect(patched.body).toEqual(customer);
    }
    expect((await chatter(api(), event.id)).filter((entry) => entry.kind === 'customer_updated')).toEqual([]);
  });

  it('refuses bad input with 400 naming the field, an unknown customer with 404, and changes nothing', async () => {
    const customer = await newCustomer();
    // body | the field the message names
    const cases: [Record<string, unknown>, string][] = [
      [{ name: null }, 'name'],
      [{ name: '' }, 'name'],
      [{ email: 'ann@' }, 'email'],
      [{ phone: '415 555 0100' }, 'phone'],
      [{ phone: 14155550100 }, 'phone'],
      [{ preferredConfirmationMethod: 'fax' }, 'preferredConfirmationMethod'],
    ];
    for (const [body, field] of cases) {
      const response = await api().patch(`/api/customers/${customer.id}`, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.message).toContain(field);
    }
    expect((await api().patch('/api/customers/not-a-uuid', { name: 'X' })).status).toBe(400);
    const unknown = await api().patch('/api/customers/00000000-0000-4000-8000-000000000000', { name: 'X' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('customer');
    expect((await api().get(`/api/customers/${customer.id}`)).body).toEqual(customer);
  });
});
