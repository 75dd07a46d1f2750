import type { CustomerRespondedPayload, InboundMessageReceivedPayload } from '@appointments/contracts';
import { DomainEventEnvelope, MessagingNames, stampDomainEvent } from '@appointments/messaging';
import { eventually } from '@appointments/testing';
import * as amqp from 'amqplib';
import { randomBytes, randomUUID } from 'node:crypto';
import { NO_BUTTONS, Platform, startPlatform } from './support/platform';
import {
  chatter,
  consoleRows,
  createScenario,
  everyType,
  expectStatus,
  getEvent,
  outbox,
  preview,
  send,
  settledRows,
} from './support/notifications';

jest.setTimeout(180_000);

/**
 * The effects of a customer response in scheduling (issue 4): status, attendee status,
 * title, reasons, chatter, follower emails and the auto-reply, each applied once. The
 * response is published as `CustomerResponded` straight onto the platform's domain-events
 * exchange, as inbound-response does once it has recorded an answer, so these tests do not
 * depend on the landing pages or the SMS webhook.
 */
let platform: Platform;
let broker: amqp.ChannelModel;
let channel: amqp.ConfirmChannel;
let exchange: string;

beforeAll(async () => {
  platform = await startPlatform('e2e_resp_effects');
  exchange = new MessagingNames(platform.environment.amqpNamespace).exchange;
  broker = await amqp.connect(platform.environment.env.AMQP_URL);
  channel = await broker.createConfirmChannel();
});

afterAll(async () => {
  await channel?.close().catch(() => undefined);
  await broker?.close().catch(() => undefined);
  await platform?.stop();
});

const api = () => platform.api;

const AUTO_REPLY = "Confirmed! We'll see you at {{location}} on {{date}} at {{time}}.";
const RSVP_BUTTONS = { ...NO_BUTTONS, accept: true, decline: true, reschedule: true };
const FOLLOWERS = { autoFollowOrganizer: true, notifyOnAccept: true, notifyOnDecline: true, notifyOnReschedule: false };

async function publish(envelope: DomainEventEnvelope): Promise<void> {
  channel.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
    persistent: true,
    messageId: envelope.id,
    type: envelope.type,
    contentType: 'application/json',
  });
  await channel.waitForConfirms();
}

/** An event invited by an RSVP request (email by default), with its customer, the request's notification id and the organizer. */
async function invited(
  options: {
    channelMode?: string;
    rsvp?: Record<string, unknown>;
    followers?: Record<string, boolean>;
    event?: Record<string, unknown>;
  } = {},
) {
  const name = `Ann ${randomBytes(3).toString('hex')}`;
  const scenario = await createScenario(api(), {
    customer: { name },
    configs: everyType(options.channelMode ?? 'email', {
      rsvp_request: { buttons: RSVP_BUTTONS, declineReason: true, rescheduleReason: true, ...options.rsvp },
    }),
    template: { name: 'Site visit', followers: options.followers ?? FOLLOWERS },
    event: options.event,
  });
  const sent = await send(api(), scenario.event.id, { type: 'rsvp_request' });
  expectStatus(sent, 202, 'send rsvp_request');
  await settledRows(api(), scenario.event.id, 1);
  const organizer = (await getEvent(api(), scenario.event.id)).organizer;
  return { ...scenario, name, notificationId: sent.body.notificationIds[0] as string, organizer };
}

type Invited = Awaited<ReturnType<typeof invited>>;

function responded(scenario: Invited, overrides: Partial<CustomerRespondedPayload> = {}): DomainEventEnvelope<CustomerRespondedPayload> {
  const payload: CustomerRespondedPayload = {
    responseId: randomUUID(),
    eventId: scenario.event.id,
    customerId: scenario.customer.id,
    response: 'accept',
    reason: null,
    channel: 'email_link',
    notificationId: scenario.notificationId,
    configKey: 'rsvp_request',
    respondedAt: new Date().toISOString(),
    from: null,
    autoReply: null,
    inboundMessage: null,
    ...overrides,
  };
  return stampDomainEvent({ type: 'CustomerResponded', eventId: payload.eventId, payload }, 'inbound-response');
}

/** Waits until scheduling has handled (or skipped as a duplicate) the message with this id. */
function handled(messageId: string, outcome: 'applied' | 'duplicate' = 'applied') {
  return eventually(
    () =>
      platform.logs.find(
        (log) =>
          log.service === 'scheduling' &&
          log.json?.msg === 'domain event handled' &&
          log.json.messageId === messageId &&
          log.json.outcome === outcome,
      ),
    Boolean,
    { what: `scheduling to have handled ${messageId} (${outcome})`, timeoutMs: 15_000 },
  );
}

async function responseEntries(eventId: string, kind = 'customer_responded') {
  return (await chatter(api(), eventId)).filter((entry) => entry.kind === kind);
}

/** Follower emails about this customer in the organizer's dev outbox (or another follower's). */
async function followerEmails(scenario: Invited, to: string = scenario.organizer.email) {
  return (await outbox(api(), to, 'email')).filter((message) => message.subject?.startsWith(`${scenario.name} `));
}

function followerEmailsAtLeast(scenario: Invited, count: number) {
  return eventually(
    () => followerEmails(scenario),
    (messages) => messages.length >= count,
    { what: `${count} follower email(s) about ${scenario.name} to ${scenario.organizer.email}`, timeoutMs: 15_000 },
  );
}

describe('customer responses applied by scheduling', () => {
  it('accept by email link: confirmed, accepted, title, chatter entry, follower email', async () => {
    const scenario = await invited();
    const envelope = responded(scenario);
    await publish(envelope);

    const event = await eventually(
      () => getEvent(api(), scenario.event.id),
      (current) => current.bookingStatus === 'confirmed',
      { what: 'the event to be confirmed', timeoutMs: 15_000 },
    );
    expect(event).toMatchObject({
      attendeeStatus: 'accepted',
      title: `[CONFIRMED] Consultation with ${scenario.name}`,
      declineReason: null,
      rescheduleReason: null,
    });

    const [entry] = await responseEntries(scenario.event.id);
    expect(entry.body).toBe(`Customer accepted the meeting (${scenario.name}, by email link)`);
    expect(entry).toMatchObject({ channel: 'email_link', author: { name: scenario.name } });
    expect(entry.data).toMatchObject({
      responseId: envelope.payload.responseId,
      response: 'accept',
      respondedAt: envelope.payload.respondedAt,
      notificationId: scenario.notificationId,
    });
    expect(
      (await chatter(api(), scenario.event.id)).some(
        (e) => e.kind === 'status_changed' && e.body === 'Status changed from invited to confirmed',
      ),
    ).toBe(true);

    const [email] = await followerEmailsAtLeast(scenario, 1);
    expect(email.subject).toBe(`${scenario.name} accepted Site visit on Friday, January 15, 2027 at 2:00 PM`);
    expect(email.text).toContain('Through: the link in the email');
    expect(email.attachments ?? []).toEqual([]);
    const [internalRow] = await consoleRows(api(), scenario.event.id, { type: 'internal' });
    expect(internalRow).toMatchObject({ type: 'internal', channel: 'email' });
  });

  it("tells the event's salesperson too when the template follows the salesperson, and no longer once staff remove them", async () => {
    const salesperson = { name: 'Sam Sales', email: `sam.${randomBytes(3).toString('hex')}@example.com` };
    const scenario = await invited({ followers: { ...FOLLOWERS, autoFollowSalesperson: true }, event: { salesperson } });
    expect(await getEvent(api(), scenario.event.id)).toMatchObject({ salesperson });

    const declined = responded(scenario, { response: 'decline', reason: 'Too far' });
    await publish(declined);
    await handled(declined.id);
    const [toSalesperson] = await eventually(
      () => followerEmails(scenario, salesperson.email),
      (messages) => messages.length === 1,
      {
        what: 'the follower email to the salesperson',
        timeoutMs: 15_000,
      },
    );
    expect(toSalesperson.subject).toBe(`${scenario.name} declined Site visit on Friday, January 15, 2027 at 2:00 PM: Too far`);
    expect(await followerEmailsAtLeast(scenario, 1)).toHaveLength(1); // the organizer, once

    const removed = await api().patch(`/api/events/${scenario.event.id}`, { salesperson: null });
    expectStatus(removed, 200, 'PATCH salesperson null');
    expect(removed.body.salesperson).toBeNull();
    const [line] = (await chatter(api(), scenario.event.id)).filter((entry) => entry.kind === 'event_updated');
    expect(line.body).toBe(`Admin changed salesperson from "${salesperson.name} <${salesperson.email}>" to (none)`);
    expect(removed.body.notificationState).toBe('in_sync'); // the customer is not told of a salesperson

    const accepted = responded(scenario, { response: 'accept' });
    await publish(accepted);
    await handled(accepted.id);
    // The follower emails of one response are requested together (one transaction, one pack of
    // NotificationRequested), so once the accept's is in the console, all of them are.
    const internal = await settledRows(api(), scenario.event.id, 3, { type: 'internal' });
    expect(internal.map((row) => row.recipientEmail).sort()).toEqual(
      [scenario.organizer.email, scenario.organizer.email, salesperson.email].sort(),
    );
    expect(await followerEmails(scenario, salesperson.email)).toHaveLength(1); // told of the decline only
  });

  it('refuses a salesperson without a valid email (400) and saves nothing', async () => {
    const { customer, template } = await createScenario(api());
    const body = {
      customerId: customer.id,
      templateId: template.id,
      start: '2027-01-15T14:00:00-05:00',
      end: '2027-01-15T15:00:00-05:00',
      timeZone: 'America/New_York',
    };
    for (const salesperson of [{ name: 'Sam' }, { name: 'Sam', email: 'sam@' }, { name: '', email: 'sam@example.com' }, 'Sam']) {
      const response = await api().post('/api/events', { ...body, salesperson });
      expect({ salesperson, status: response.status }).toEqual({ salesperson, status: 400 });
      expect(response.body.message).toContain('salesperson');
    }
  });

  it('the same CustomerResponded delivered twice, and the same response under a new message id: one chatter entry, one follower email', async () => {
    const scenario = await invited();
    const envelope = responded(scenario);
    await publish(envelope);
    await handled(envelope.id);
    await publish(envelope);
    await handled(envelope.id, 'duplicate');
    const republished = { ...envelope, id: randomUUID() };
    await publish(republished);
    await handled(republished.id);

    await followerEmailsAtLeast(scenario, 1);
    // Everything the platform was asked to send for the event has settled: nothing more is coming.
    await settledRows(api(), scenario.event.id, 2);
    expect(await responseEntries(scenario.event.id)).toHaveLength(1);
    expect(await followerEmails(scenario)).toHaveLength(1);
    expect(await consoleRows(api(), scenario.event.id, { type: 'internal' })).toHaveLength(1);
  });

  it('decline with a reason: declined, reason saved and shown, follower told the reason', async () => {
    const scenario = await invited();
    await publish(responded(scenario, { response: 'decline', reason: 'Too far <away> & back', channel: 'sms_link' }));

    const event = await eventually(
      () => getEvent(api(), scenario.event.id),
      (current) => current.bookingStatus === 'declined',
      { what: 'the event to be declined', timeoutMs: 15_000 },
    );
    expect(event).toMatchObject({
      attendeeStatus: 'declined',
      declineReason: 'Too far <away> & back',
      title: `[DECLINED] Consultation with ${scenario.name}`,
    });
    const [entry] = await responseEntries(scenario.event.id);
    expect(entry.body).toBe(`Customer declined the meeting (${scenario.name}, by SMS link). Reason: "Too far <away> & back"`);

    const [email] = await followerEmailsAtLeast(scenario, 1);
    expect(email.subject).toBe(`${scenario.name} declined Site visit on Friday, January 15, 2027 at 2:00 PM: Too far <away> & back`);
    expect(email.html).toContain('Too far &lt;away&gt; &amp; back');
    expect(email.html).not.toContain('<away>');
  });

  it('reschedule request: rescheduling with its reason, the decline reason cleared, no follower email (toggle off)', async () => {
    const scenario = await invited();
    const decline = responded(scenario, { response: 'decline', reason: 'Busy' });
    await publish(decline);
    await handled(decline.id);
    const reschedule = responded(scenario, { response: 'reschedule', reason: 'Next week?' });
    await publish(reschedule);
    await handled(reschedule.id);

    expect(await getEvent(api(), scenario.event.id)).toMatchObject({
      bookingStatus: 'rescheduling',
      declineReason: null,
      rescheduleReason: 'Next week?',
      title: `[RESCHEDULING] Consultation with ${scenario.name}`,
      start: new Date('2027-01-15T19:00:00Z').toISOString(),
    });
    expect((await responseEntries(scenario.event.id)).map((entry) => entry.body)).toEqual([
      `Customer declined the meeting (${scenario.name}, by email link). Reason: "Busy"`,
      `Customer asked to reschedule (${scenario.name}, by email link). Reason: "Next week?"`,
    ]);
    await settledRows(api(), scenario.event.id, 2);
    const emails = await followerEmails(scenario);
    expect(emails.map((email) => email.subject)).toEqual([expect.stringContaining('declined Site visit')]);
  });

  it('a second identical answer (double click) adds no chatter entry and no follower email', async () => {
    const scenario = await invited();
    const first = responded(scenario);
    await publish(first);
    await handled(first.id);
    const second = responded(scenario); // a new response id: the customer clicked again
    await publish(second);
    await handled(second.id);
    await followerEmailsAtLeast(scenario, 1);
    await settledRows(api(), scenario.event.id, 2);
    expect(await responseEntries(scenario.event.id)).toHaveLength(1);
    expect(await followerEmails(scenario)).toHaveLength(1);
  });

  it('a response for a cancelled event is refused: the chatter says so and nothing changes', async () => {
    const scenario = await invited();
    const confirm = await preview(api(), scenario.event.id, { type: 'cancellation' });
    expectStatus(confirm, 200, 'preview cancellation');
    expectStatus(
      await send(api(), scenario.event.id, { type: 'cancellation', confirmationToken: confirm.body.confirmationToken }),
      202,
      'send cancellation',
    );
    const before = await getEvent(api(), scenario.event.id);
    expect(before.bookingStatus).toBe('cancelled');

    const envelope = responded(scenario);
    await publish(envelope);
    await handled(envelope.id);

    const [refused] = await responseEntries(scenario.event.id, 'response_refused');
    expect(refused.body).toBe(
      `Customer response refused: ${scenario.name} tried to accept the meeting by email link. The event is cancelled; it can no longer be answered`,
    );
    const after = await getEvent(api(), scenario.event.id);
    expect(after).toMatchObject({
      bookingStatus: 'cancelled',
      attendeeStatus: before.attendeeStatus,
      title: before.title,
      updatedAt: before.updatedAt,
    });
    expect(await responseEntries(scenario.event.id)).toEqual([]);
    await settledRows(api(), scenario.event.id, 2);
    expect(await followerEmails(scenario)).toEqual([]);
  });

  describe('SMS reply codes', () => {
    const smsRsvp = { replyCodes: { enabled: true, codes: [{ code: '1', action: 'accept', autoReply: AUTO_REPLY }] } };

    function smsReply(scenario: Invited, overrides: Partial<CustomerRespondedPayload> = {}) {
      return responded(scenario, {
        channel: 'sms_reply',
        from: scenario.customer.phone,
        autoReply: AUTO_REPLY,
        inboundMessage: { body: '1', providerMessageId: `SM${randomBytes(16).toString('hex')}` },
        ...overrides,
      });
    }

    const autoReplies = async (scenario: Invited) =>
      (await outbox(api(), scenario.customer.phone, 'sms')).filter((message) => message.body?.startsWith('Confirmed!'));

    it('an SMS reply with an auto-reply: confirmed, and the auto-reply rendered with the event data reaches the customer, logged in the console', async () => {
      const scenario = await invited({ channelMode: 'sms', rsvp: smsRsvp });
      await publish(smsReply(scenario));

      const [reply] = await eventually(
        () => autoReplies(scenario),
        (messages) => messages.length >= 1,
        { what: 'the auto-reply SMS', timeoutMs: 15_000 },
      );
      expect(reply.body).toBe("Confirmed! We'll see you at 123 Main St on Friday, January 15, 2027 at 2:00 PM.");
      expect(reply.body).not.toMatch(/\/m\/|Reply 1/);
      expect(await getEvent(api(), scenario.event.id)).toMatchObject({ bookingStatus: 'confirmed', attendeeStatus: 'accepted' });
      const [row] = await consoleRows(api(), scenario.event.id, { type: 'auto_reply' });
      expect(row).toMatchObject({ type: 'auto_reply', channel: 'sms' });
      expect((await responseEntries(scenario.event.id))[0].body).toBe(`Customer accepted the meeting (${scenario.name}, by SMS reply)`);
    });

    it('the same code texted again changes nothing but is still answered', async () => {
      const scenario = await invited({ channelMode: 'sms', rsvp: smsRsvp });
      const first = smsReply(scenario);
      await publish(first);
      await handled(first.id);
      const again = smsReply(scenario);
      await publish(again);
      await handled(again.id);
      await eventually(
        () => autoReplies(scenario),
        (messages) => messages.length >= 2,
        { what: 'two auto-replies', timeoutMs: 15_000 },
      );
      expect(await responseEntries(scenario.event.id)).toHaveLength(1);
    });

    it('a number on the stop list gets no auto-reply: the console shows it skipped', async () => {
      const scenario = await invited({ channelMode: 'sms', rsvp: smsRsvp });
      const added = await api().post('/api/stop-list', { channel: 'sms', address: scenario.customer.phone });
      expect([200, 201]).toContain(added.status);
      // Scheduling's copy of the stop list has it once a preview skips the number.
      await eventually(
        () => preview(api(), scenario.event.id, { type: 'rsvp_request' }),
        (answer) =>
          answer.status === 422 || (answer.status === 200 && answer.body.skipped.some((skip: any) => skip.reason === 'opted_out')),
        { what: 'scheduling to know the number is stopped', timeoutMs: 15_000 },
      );
      const envelope = smsReply(scenario);
      await publish(envelope);
      await handled(envelope.id);

      const [row] = await eventually(
        () => consoleRows(api(), scenario.event.id, { type: 'auto_reply' }),
        (rows) => rows.length >= 1,
        { what: 'the skipped auto-reply in the console', timeoutMs: 15_000 },
      );
      expect(row).toMatchObject({ status: 'skipped', channel: 'sms' });
      expect(await autoReplies(scenario)).toEqual([]);
      expect(await getEvent(api(), scenario.event.id)).toMatchObject({ bookingStatus: 'confirmed' });
    });
  });

  it('an inbound SMS that is not a code goes to the chatter, with no status change', async () => {
    const scenario = await invited({ channelMode: 'sms' });
    const payload: InboundMessageReceivedPayload = {
      messageId: randomUUID(),
      providerMessageId: `SM${randomBytes(16).toString('hex')}`,
      from: scenario.customer.phone,
      to: '+15005550006',
      body: 'Ok thanks',
      receivedAt: new Date().toISOString(),
      kind: 'message',
      eventId: scenario.event.id,
      notificationId: scenario.notificationId,
      customerId: scenario.customer.id,
    };
    const envelope = stampDomainEvent({ type: 'InboundMessageReceived', eventId: scenario.event.id, payload }, 'inbound-response');
    const again = { ...envelope, id: randomUUID() }; // the same message again under another id
    await publish(envelope);
    await publish(again);
    await handled(envelope.id);
    await handled(again.id);

    const entries = await eventually(
      async () => (await chatter(api(), scenario.event.id)).filter((entry) => entry.kind === 'inbound_message'),
      (found) => found.length >= 1,
      { what: 'the inbound message in the chatter', timeoutMs: 15_000 },
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ body: 'Customer wrote by SMS: Ok thanks', channel: 'sms', author: { name: scenario.name } });
    expect(await getEvent(api(), scenario.event.id)).toMatchObject({ bookingStatus: 'invited', attendeeStatus: 'needs_action' });
  });
});
