import { eventually } from '@appointments/testing';
import { Platform, startPlatform } from './support/platform';
import {
  ACCEPT_DECLINE,
  chatter,
  consoleRows,
  createScenario,
  EVENT_START,
  everyType,
  getEvent,
  notificationConfig,
  outbox,
  outboxHas,
  preview,
  readInvite,
  send,
  settledRows,
} from './support/notifications';

jest.setTimeout(180_000);

/**
 * The five notification types and what each does to an event, their refusals, the calendar
 * file each email carries, the preview and the sender settings: over the public HTTP
 * contract, against the five services running as real processes.
 */
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform('e2e_notif_types');
});

afterAll(async () => {
  await platform?.stop();
});

const api = () => platform.api;

describe('notification types, their effects and refusals', () => {
  /** A scenario whose event has been booked by a confirmation (its console row settled). */
  async function booked(options: Parameters<typeof createScenario>[1] = {}) {
    const scenario = await createScenario(api(), options);
    const sent = await send(api(), scenario.event.id, { type: 'confirmation' });
    expect(sent.status).toBe(202);
    await settledRows(api(), scenario.event.id, sent.body.notificationIds.length);
    return scenario;
  }

  it('confirmation books the event and puts it in sync', async () => {
    const { event } = await createScenario(api());
    const sent = await send(api(), event.id, { type: 'confirmation' });
    expect(sent.status).toBe(202);
    expect(sent.body.notificationIds).toHaveLength(1);
    expect(await getEvent(api(), event.id)).toMatchObject({
      bookingStatus: 'booked',
      notificationState: 'in_sync',
      title: '[BOOKED] Consultation with Ann Lee',
    });
    const [row] = await settledRows(api(), event.id, 1);
    expect(row).toMatchObject({ id: sent.body.notificationIds[0], type: 'confirmation', channel: 'email', status: 'sent' });
  });

  it('rsvp_request invites the customer: invited, attendee needs_action, in sync', async () => {
    const { event } = await createScenario(api());
    const sent = await send(api(), event.id, { type: 'rsvp_request' });
    expect(sent.status).toBe(202);
    expect(await getEvent(api(), event.id)).toMatchObject({
      bookingStatus: 'invited',
      attendeeStatus: 'needs_action',
      notificationState: 'in_sync',
    });
    const [row] = await settledRows(api(), event.id, 1);
    expect(row).toMatchObject({ type: 'rsvp_request', status: 'sent' });
  });

  it('a reminder whose config has accept/decline buttons makes the event invited', async () => {
    const { event } = await booked({ configs: everyType('email', { reminder: { buttons: ACCEPT_DECLINE } }) });
    const sent = await send(api(), event.id, { type: 'reminder' });
    expect(sent.status).toBe(202);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'invited', attendeeStatus: 'needs_action' });
    const rows = await settledRows(api(), event.id, 2);
    expect(rows.map((row) => row.type)).toEqual(['reminder', 'confirmation']);
  });

  it('a reminder without buttons leaves the booking status as it was', async () => {
    const { event } = await booked({ configs: everyType('email') });
    const sent = await send(api(), event.id, { type: 'reminder' });
    expect(sent.status).toBe(202);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked', notificationState: 'in_sync' });
    const rows = await settledRows(api(), event.id, 2);
    expect(rows[0]).toMatchObject({ type: 'reminder', status: 'sent' });
  });

  it('a reminder of a draft event is refused with 409 and sends nothing', async () => {
    const { event } = await createScenario(api());
    const refused = await send(api(), event.id, { type: 'reminder' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toEqual(expect.any(String));
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'draft', notificationState: 'none' });
  });

  it('update while in sync is 409 with a message and sends nothing', async () => {
    const { event, customer } = await booked();
    const refused = await send(api(), event.id, { type: 'update' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/in sync/i);
    expect(await consoleRows(api(), event.id, { type: 'update' })).toEqual([]);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked', notificationState: 'in_sync' });
    expect(await outbox(api(), customer.email)).toHaveLength(1);
  });

  it('a PATCH of start after a send makes the event update_due with the changed field; the update puts it back in sync', async () => {
    const { event } = await booked();
    const before = await getEvent(api(), event.id);
    const patched = await api().patch(`/api/events/${event.id}`, { start: '2027-01-15T15:00:00-05:00', end: '2027-01-15T16:30:00-05:00' });
    expect(patched.status).toBe(200);
    expect(patched.body.notificationState).toBe('update_due');
    const changed = (await getEvent(api(), event.id)).changedFields;
    expect(changed).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'start', oldValue: expect.anything(), newValue: expect.anything() })]),
    );
    const start = changed.find((entry: any) => entry.field === 'start');
    expect(new Date(start.oldValue).toISOString()).toBe(new Date(before.start).toISOString());
    expect(new Date(start.newValue).toISOString()).toBe('2027-01-15T20:00:00.000Z');

    const update = await send(api(), event.id, { type: 'update' });
    expect(update.status).toBe(202);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked', notificationState: 'in_sync', changedFields: [] });
    const rows = await settledRows(api(), event.id, 2);
    expect(rows[0]).toMatchObject({ type: 'update', status: 'sent' });
  });

  it('a PATCH before anything was sent changes nothing about notifications', async () => {
    const { event } = await createScenario(api());
    const patched = await api().patch(`/api/events/${event.id}`, { start: '2027-01-15T15:00:00-05:00', end: '2027-01-15T16:30:00-05:00' });
    expect(patched.status).toBe(200);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'draft', notificationState: 'none', changedFields: [] });
  });

  it('time zone, location and video link are significant too', async () => {
    const { event } = await booked();
    const patched = await api().patch(`/api/events/${event.id}`, {
      timeZone: 'America/Chicago',
      location: '500 Market St',
      videoUrl: 'https://meet.example.com/abc',
    });
    expect(patched.status).toBe(200);
    const { notificationState, changedFields } = await getEvent(api(), event.id);
    expect(notificationState).toBe('update_due');
    expect(changedFields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'timeZone', oldValue: 'America/New_York', newValue: 'America/Chicago' }),
        expect.objectContaining({ field: 'location', oldValue: '123 Main St', newValue: '500 Market St' }),
        expect.objectContaining({ field: 'videoUrl', oldValue: null, newValue: 'https://meet.example.com/abc' }),
      ]),
    );
  });

  it('a field changed twice keeps what the customer was told as its old value; changed back, it is no longer a change', async () => {
    const { event } = await booked();
    await api().patch(`/api/events/${event.id}`, { location: 'Room 1' });
    await api().patch(`/api/events/${event.id}`, { location: 'Room 2' });
    expect((await getEvent(api(), event.id)).changedFields).toEqual([
      expect.objectContaining({ field: 'location', oldValue: '123 Main St', newValue: 'Room 2' }),
    ]);

    const reverted = await api().patch(`/api/events/${event.id}`, { location: '123 Main St' });
    expect(reverted.status).toBe(200);
    const after = await getEvent(api(), event.id);
    expect(after.changedFields).toEqual([]);
    // Nothing is left to tell the customer: no update is due.
    expect({ notificationState: after.notificationState, changedFields: after.changedFields }).toEqual({
      notificationState: 'in_sync',
      changedFields: [],
    });
  });

  it('a PATCH of a field that is not significant (description) keeps the event in sync', async () => {
    const { event } = await booked();
    const patched = await api().patch(`/api/events/${event.id}`, { description: 'Bring your ID' });
    expect(patched.status).toBe(200);
    expect(await getEvent(api(), event.id)).toMatchObject({ notificationState: 'in_sync', changedFields: [] });
  });

  it('cancellation is two steps: refused without or with a wrong token, cancelled with the preview token, and final', async () => {
    const { event, customer } = await booked();

    const withoutToken = await send(api(), event.id, { type: 'cancellation' });
    expect(withoutToken.status).toBe(409);
    expect(withoutToken.body.message).toMatch(/confirm/i);

    const previewed = await preview(api(), event.id, { type: 'cancellation' });
    expect(previewed.status).toBe(200);
    expect(previewed.body.confirmationToken).toEqual(expect.any(String));
    expect(previewed.body.effect).toMatchObject({ bookingStatus: 'cancelled' });
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked' });

    const token: string = previewed.body.confirmationToken;
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    for (const wrong of [forged, 'not-a-token']) {
      const refused = await send(api(), event.id, { type: 'cancellation', confirmationToken: wrong });
      expect({ wrong, status: refused.status }).toEqual({ wrong, status: 409 });
      expect(refused.body.message).toEqual(expect.any(String));
    }
    expect(await consoleRows(api(), event.id, { type: 'cancellation' })).toEqual([]);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked' });

    const cancelled = await send(api(), event.id, { type: 'cancellation', confirmationToken: token });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.notificationIds).toHaveLength(1);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'cancelled', title: '[CANCELLED] Consultation with Ann Lee' });
    const rows = await settledRows(api(), event.id, 2);
    expect(rows[0]).toMatchObject({ type: 'cancellation', status: 'sent' });

    const again = await send(api(), event.id, { type: 'cancellation', confirmationToken: token });
    expect(again.status).toBe(409);
    expect(again.body.message).toEqual(expect.any(String));
    const againPreview = await preview(api(), event.id, { type: 'cancellation' });
    expect(againPreview.status).toBe(409);
    for (const type of ['reminder', 'rsvp_request']) {
      const refused = await send(api(), event.id, { type });
      expect({ type, status: refused.status }).toEqual({ type, status: 409 });
      expect(refused.body.message).toMatch(/cancelled/i);
    }

    const rebooked = await send(api(), event.id, { type: 'confirmation' });
    expect(rebooked.status).toBe(202);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked', notificationState: 'in_sync' });
    await settledRows(api(), event.id, 3);
    expect(await outbox(api(), customer.email)).toHaveLength(3);
  });

  it('after a cancellation sent while an update was due, no update can be sent (it would put the meeting back in the calendar)', async () => {
    const { event, customer } = await booked({ configs: everyType('email') });
    expect(
      (await api().patch(`/api/events/${event.id}`, { start: '2027-01-15T15:00:00-05:00', end: '2027-01-15T16:30:00-05:00' })).status,
    ).toBe(200);
    expect(await getEvent(api(), event.id)).toMatchObject({ notificationState: 'update_due' });
    const token = (await preview(api(), event.id, { type: 'cancellation' })).body.confirmationToken;
    expect((await send(api(), event.id, { type: 'cancellation', confirmationToken: token })).status).toBe(202);
    await settledRows(api(), event.id, 2);

    const update = await send(api(), event.id, { type: 'update' });
    if (update.status === 202) await settledRows(api(), event.id, 3);
    const methods = (await outbox(api(), customer.email)).map((message) => readInvite(message).method);
    // An update of a cancelled event would carry METHOD:REQUEST with a higher SEQUENCE than
    // the CANCEL, and calendar clients would put the cancelled meeting back: it is refused.
    expect({ updateStatus: update.status, methodsNewestFirst: methods }).toEqual({
      updateStatus: 409,
      methodsNewestFirst: ['CANCEL', 'REQUEST'],
    });
  });

  it('a cancellation token stops being valid once the event changes after the preview', async () => {
    const { event } = await booked();
    const previewed = await preview(api(), event.id, { type: 'cancellation' });
    expect(previewed.status).toBe(200);
    const patched = await api().patch(`/api/events/${event.id}`, { location: '500 Market St' });
    expect(patched.status).toBe(200);
    const refused = await send(api(), event.id, { type: 'cancellation', confirmationToken: previewed.body.confirmationToken });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/preview/i);
    expect(await getEvent(api(), event.id)).toMatchObject({ bookingStatus: 'booked' });
    expect(await consoleRows(api(), event.id, { type: 'cancellation' })).toEqual([]);
  });

  it('a token issued for one event does not cancel another', async () => {
    const first = await booked();
    const second = await booked();
    const previewed = await preview(api(), first.event.id, { type: 'cancellation' });
    const refused = await send(api(), second.event.id, { type: 'cancellation', confirmationToken: previewed.body.confirmationToken });
    expect(refused.status).toBe(409);
    expect(await getEvent(api(), second.event.id)).toMatchObject({ bookingStatus: 'booked' });
  });
});

describe('the .ics calendar file, read by ical.js', () => {
  it('REQUEST with a stable UID and SEQUENCE 0, then the same UID with a higher SEQUENCE after an update, then CANCEL', async () => {
    const api = platform.api;
    const { event, customer } = await createScenario(api, { configs: everyType('email') });

    expect((await send(api, event.id, { type: 'confirmation' })).status).toBe(202);
    const [confirmation] = await outboxHas(api, customer.email, 1);
    const invite = readInvite(confirmation);
    expect(invite).toMatchObject({ method: 'REQUEST', contentTypeMethod: 'REQUEST', sequence: 0 });
    expect(invite.uid).toEqual(expect.any(String));
    expect(invite.uid.length).toBeGreaterThan(0);
    expect(invite.dtstart.toISOString()).toBe(new Date(EVENT_START).toISOString());
    expect(invite.dtend?.toISOString()).toBe('2027-01-15T20:30:00.000Z');

    const newStart = '2027-01-16T09:30:00-05:00';
    expect((await api.patch(`/api/events/${event.id}`, { start: newStart, end: '2027-01-16T11:00:00-05:00' })).status).toBe(200);
    expect((await send(api, event.id, { type: 'update' })).status).toBe(202);
    const [update] = await outboxHas(api, customer.email, 2);
    const updated = readInvite(update);
    expect(updated).toMatchObject({ method: 'REQUEST', contentTypeMethod: 'REQUEST', uid: invite.uid });
    expect(updated.sequence).toBeGreaterThan(invite.sequence);
    expect(updated.dtstart.toISOString()).toBe(new Date(newStart).toISOString());

    const token = (await preview(api, event.id, { type: 'cancellation' })).body.confirmationToken;
    expect((await send(api, event.id, { type: 'cancellation', confirmationToken: token })).status).toBe(202);
    const [cancellation] = await outboxHas(api, customer.email, 3);
    const cancelled = readInvite(cancellation);
    expect(cancelled).toMatchObject({ method: 'CANCEL', contentTypeMethod: 'CANCEL', status: 'CANCELLED', uid: invite.uid });
    expect(cancelled.sequence).toBeGreaterThan(updated.sequence);
    expect(cancelled.raw).not.toMatch(/BEGIN:VALARM/);

    // Booked again: a REQUEST for the same UID that outranks the CANCEL.
    expect((await send(api, event.id, { type: 'confirmation' })).status).toBe(202);
    const [rebooking] = await outboxHas(api, customer.email, 4);
    const rebooked = readInvite(rebooking);
    expect(rebooked).toMatchObject({ method: 'REQUEST', contentTypeMethod: 'REQUEST', uid: invite.uid });
    expect(rebooked.sequence).toBeGreaterThan(cancelled.sequence);
  });

  it('gives two events two different UIDs', async () => {
    const api = platform.api;
    const uids: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { event, customer } = await createScenario(api, { configs: everyType('email') });
      expect((await send(api, event.id, { type: 'confirmation' })).status).toBe(202);
      const [message] = await outboxHas(api, customer.email, 1);
      uids.push(readInvite(message).uid);
    }
    expect(uids[0]).not.toBe(uids[1]);
  });
});

describe('preview of a send', () => {
  it('shows recipient, channels, rendered email and SMS and the effect, and changes nothing', async () => {
    const api = platform.api;
    const { event, customer } = await createScenario(api, {
      customer: { name: 'Ann Lee' },
      configs: [notificationConfig('confirmation', { channelMode: 'both', buttons: ACCEPT_DECLINE })],
    });
    const previewed = await preview(api, event.id, { type: 'confirmation' });
    expect(previewed.status).toBe(200);
    expect(previewed.body).toMatchObject({
      type: 'confirmation',
      recipient: { name: 'Ann Lee', email: customer.email, phone: customer.phone },
      channels: [
        { channel: 'email', address: customer.email },
        { channel: 'sms', address: customer.phone },
      ],
      skipped: [],
      subject: 'confirmation: Your Appointment with Acme on Friday, January 15, 2027',
      effect: { bookingStatus: 'booked', notificationState: 'in_sync' },
    });
    expect(previewed.body.html).toContain('Hello Ann Lee');
    expect(previewed.body.text).toContain('2:00 PM');
    expect(previewed.body.sms).toContain('Hi Ann Lee, confirmation for');
    expect(previewed.body.sms).toContain('/m/');

    // Nothing happened: the event, the console, the chatter and the outbox are as before.
    expect(await getEvent(api, event.id)).toMatchObject({ bookingStatus: 'draft', notificationState: 'none' });
    expect(await consoleRows(api, event.id)).toEqual([]);
    expect((await chatter(api, event.id)).map((entry) => entry.kind)).toEqual(['event_created']);
    expect(await outbox(api, customer.email)).toEqual([]);
    expect(await outbox(api, customer.phone)).toEqual([]);

    // A real send afterwards: once its rows are settled, they are the only ones (the preview
    // left nothing behind that would show up later).
    const sent = await send(api, event.id, { type: 'confirmation' });
    expect(sent.status).toBe(202);
    const rows = await settledRows(api, event.id, 2);
    expect(rows.map((row) => row.id).sort()).toEqual([...sent.body.notificationIds].sort());
    expect(await outbox(api, customer.email)).toHaveLength(1);
    expect(await outbox(api, customer.phone)).toHaveLength(1);
  });

  it('lists a skipped channel with why, and is refused like the send (409)', async () => {
    const api = platform.api;
    const { event } = await createScenario(api, { customer: { phone: null }, configs: everyType('both') });
    const previewed = await preview(api, event.id, { type: 'confirmation' });
    expect(previewed.status).toBe(200);
    expect(previewed.body.channels).toEqual([expect.objectContaining({ channel: 'email' })]);
    expect(previewed.body.skipped).toEqual([
      expect.objectContaining({ channel: 'sms', reason: 'no_phone_number', message: expect.stringMatching(/phone/i) }),
    ]);
    expect(previewed.body.sms).toBeNull();

    const refused = await preview(api, event.id, { type: 'update' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toEqual(expect.any(String));
  });
});

describe('the notifications console', () => {
  it('filters by event, type, channel, status and recipient, newest first, paginated', async () => {
    const { event, customer } = await createScenario(api(), { configs: everyType('both') });
    const sent = await send(api(), event.id, { type: 'confirmation' });
    expect(sent.status).toBe(202);
    await settledRows(api(), event.id, 2);
    const [smsId] = sent.body.channels.filter((c: any) => c.channel === 'sms').map((c: any) => c.notificationId);

    const query = async (params: Record<string, string>) => {
      const response = await api().get(`/api/notifications?${new URLSearchParams(params)}`);
      expect({ params, status: response.status }).toEqual({ params, status: 200 });
      return response.body;
    };
    expect((await query({ eventId: event.id, channel: 'sms' })).items.map((row: any) => row.id)).toEqual([smsId]);
    expect((await query({ eventId: event.id, status: 'sent', type: 'confirmation' })).items).toHaveLength(2);
    expect((await query({ eventId: event.id, type: 'reminder' })).items).toEqual([]);
    expect((await query({ recipient: customer.email })).items.every((row: any) => row.eventId === event.id)).toBe(true);
    expect((await query({ recipient: customer.phone.slice(1) })).items.map((row: any) => row.id)).toContain(smsId);
    const page2 = await query({ eventId: event.id, pageSize: '1', page: '2' });
    expect(page2).toMatchObject({ page: 2, pageSize: 1, total: 2 });
    expect(page2.items).toHaveLength(1);
    const page1 = await query({ eventId: event.id, pageSize: '1', page: '1' });
    expect(page1.items[0].id).not.toBe(page2.items[0].id);
    expect(page1.items[0].createdAt >= page2.items[0].createdAt).toBe(true);

    const bad = await api().get('/api/notifications?status=lost');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('status');
  });
});

describe('sender settings', () => {
  it('shows the sender and the verified domains, and refuses an address on another domain with 422 naming it', async () => {
    const api = platform.api;
    const current = await api.get('/api/settings/sender');
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({
      email: expect.stringMatching(/@example\.com$/),
      verifiedDomains: ['example.com'],
      verified: true,
    });

    const refused = await api.request('PUT', '/api/settings/sender', { name: 'Acme', email: 'hello@unverified.test' });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('unverified.test');
    expect((await api.get('/api/settings/sender')).body).toMatchObject({ email: current.body.email, name: current.body.name });

    const changed = await api.request('PUT', '/api/settings/sender', { name: 'Acme Clinic', email: 'front-desk@example.com' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Acme Clinic', email: 'front-desk@example.com', verified: true });
    const { event, customer } = await createScenario(api, { configs: everyType('email') });
    expect((await send(api, event.id, { type: 'confirmation' })).status).toBe(202);
    const [email] = await outboxHas(api, customer.email, 1);
    expect(email.from).toContain('front-desk@example.com');
    await eventually(
      () => chatter(api, event.id),
      (entries) => entries.some((entry) => entry.kind === 'notification_sent'),
      { what: 'the sent confirmation in the chatter' },
    );
  });
});

describe('batch sends: POST /api/notifications/batch', () => {
  it('applies each send in order, each accepted or refused on its own, and every accepted one goes out', async () => {
    const first = await createScenario(api());
    const second = await createScenario(api());
    const missing = '00000000-0000-4000-8000-000000000000';
    const answer = await api().post('/api/notifications/batch', {
      sends: [
        { eventId: first.event.id, type: 'confirmation' },
        { eventId: missing, type: 'confirmation' },
        { eventId: second.event.id, type: 'update' }, // nothing was sent yet: nothing to update
        { eventId: second.event.id, type: 'confirmation' },
        { eventId: first.event.id, type: 'cancellation' }, // no confirmationToken
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 2, refused: 3 });
    const [one, two, three, four, five] = answer.body.results;
    expect(one).toMatchObject({ eventId: first.event.id, status: 202, event: { bookingStatus: 'booked' } });
    expect(one.notificationIds).toHaveLength(1);
    expect(two).toMatchObject({ eventId: missing, status: 404, error: 'not_found' });
    expect(three).toMatchObject({ eventId: second.event.id, status: 409, error: 'transition_refused' });
    expect(four).toMatchObject({ eventId: second.event.id, status: 202, event: { bookingStatus: 'booked' } });
    expect(five).toMatchObject({ eventId: first.event.id, status: 409, error: 'transition_refused' });
    expect(five.message).toMatch(/confirmationToken/i);

    // The accepted ones were applied and delivered; the refused one left its event as it was.
    for (const [scenario, result] of [
      [first, one],
      [second, four],
    ] as const) {
      expect(await getEvent(api(), scenario.event.id)).toMatchObject({ bookingStatus: 'booked' });
      const rows = await settledRows(api(), scenario.event.id, 1);
      expect(rows).toEqual([expect.objectContaining({ id: result.notificationIds[0], status: 'sent', type: 'confirmation' })]);
      expect(await outboxHas(api(), scenario.customer.email!, 1)).toHaveLength(1);
      const entries = await eventually(
        () => chatter(api(), scenario.event.id),
        (list) => list.some((entry) => entry.kind === 'notification_sent'),
        {
          what: 'the sent entry in the chatter',
        },
      );
      expect(entries.filter((entry) => entry.kind === 'notification_requested')).toHaveLength(1);
    }
  });

  it('refuses a malformed batch with 400 and sends nothing', async () => {
    const scenario = await createScenario(api());
    for (const body of [
      {},
      { sends: [] },
      { sends: [{ eventId: 'not-a-uuid', type: 'confirmation' }] },
      { sends: [{ eventId: scenario.event.id, type: 'birthday' }] },
      { sends: Array.from({ length: 501 }, () => ({ eventId: scenario.event.id, type: 'confirmation' })) },
    ]) {
      const answer = await api().post('/api/notifications/batch', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.message).toEqual(expect.any(String));
    }
    expect(await getEvent(api(), scenario.event.id)).toMatchObject({ bookingStatus: 'draft' });
    expect(await consoleRows(api(), scenario.event.id)).toEqual([]);
  });
});
