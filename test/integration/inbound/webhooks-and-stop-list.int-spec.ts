import { DeliveryStatusChangedPayload, INBOUND_REQUEST, OptOutChangedPayload, StopListEntryView } from '@appointments/contracts';
import { DomainEventEnvelope, MessagingNames, RemoteServiceError } from '@appointments/messaging';
import { createHmac, generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { BrokerClient } from '../messaging/broker-client';
import { InboundService } from './inbound-service';

jest.setTimeout(60_000);

const TWILIO_AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
/** What Twilio calls: deliberately not the address this process listens on. */
const PUBLIC_WEBHOOK_BASE_URL = 'https://hooks.example.com';
const STATUS_PATH = '/webhooks/twilio/status';
const SENDGRID_PATH = '/webhooks/sendgrid/events';

/** Signs as Twilio does: HMAC-SHA1 over the public URL and every field sorted by name, base64. */
function twilioSignature(url: string, fields: Record<string, string>, authToken = TWILIO_AUTH_TOKEN): string {
  const data = Object.keys(fields)
    .sort()
    .reduce((signed, name) => signed + name + fields[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

const messageSid = () => `SM${randomUUID().replace(/-/g, '')}`;

/** A status callback as Twilio posts it, with the fields it sends besides those we read. */
function statusCallback(fields: Record<string, string>): Record<string, string> {
  return {
    AccountSid: `AC${'1'.repeat(32)}`,
    ApiVersion: '2010-04-01',
    From: '+15005550006',
    To: '+14155550100',
    SmsSid: fields.MessageSid,
    SmsStatus: fields.MessageStatus,
    ...fields,
  };
}

describe('inbound-response: delivery status webhooks and the stop list', () => {
  let service: InboundService;
  let broker: BrokerClient;
  let deliveryStatuses: string;
  let optOuts: string;
  let sendGridKey: KeyObject;

  beforeAll(async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    sendGridKey = keys.privateKey;
    service = await InboundService.start('inbound_webhooks', {
      TWILIO_AUTH_TOKEN,
      PUBLIC_WEBHOOK_BASE_URL,
      SENDGRID_WEBHOOK_VERIFICATION_KEY: keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    });
    broker = await BrokerClient.connect(service.environment.env.AMQP_URL);
    const exchange = new MessagingNames(service.environment.amqpNamespace).exchange;
    deliveryStatuses = await broker.observe(exchange, 'DeliveryStatusChanged');
    optOuts = await broker.observe(exchange, 'OptOutChanged');
  });

  afterAll(async () => {
    await broker?.close();
    await service?.stop();
  });

  /** The events of one type published since the last call. */
  async function published<P>(queue: string): Promise<DomainEventEnvelope<P>[]> {
    await service.outboxDrained();
    return broker.takeEvents<P>(queue);
  }

  function postStatus(path: string, fields: Record<string, string>, signature: string | null) {
    return service.post(path, new URLSearchParams(fields).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    });
  }

  function signedSendGridPost(body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
    const signature = sign('sha256', Buffer.from(timestamp + body, 'utf8'), sendGridKey).toString('base64');
    return { timestamp, signature };
  }

  function postSendGrid(body: string, headers: { signature?: string; timestamp?: string }) {
    return service.post(SENDGRID_PATH, body, {
      'content-type': 'application/json',
      ...(headers.signature ? { 'x-twilio-email-event-webhook-signature': headers.signature } : {}),
      ...(headers.timestamp ? { 'x-twilio-email-event-webhook-timestamp': headers.timestamp } : {}),
    });
  }

  describe('Twilio status callback', () => {
    it('publishes one DeliveryStatusChanged for a signed callback, and nothing when the same callback comes again', async () => {
      const notificationId = randomUUID();
      const path = `${STATUS_PATH}?notificationId=${notificationId}`;
      const fields = statusCallback({ MessageSid: messageSid(), MessageStatus: 'undelivered', ErrorCode: '30003' });
      const signature = twilioSignature(`${PUBLIC_WEBHOOK_BASE_URL}${path}`, fields);

      expect(await postStatus(path, fields, signature)).toMatchObject({ status: 204, text: '' });
      const events = await published<DeliveryStatusChangedPayload>(deliveryStatuses);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'DeliveryStatusChanged', producer: 'inbound-response' });
      expect(events[0].payload).toEqual({
        notificationId,
        provider: 'twilio',
        providerMessageId: fields.MessageSid,
        status: 'undelivered',
        providerStatus: 'undelivered',
        errorCode: '30003',
        reason: null,
        occurredAt: expect.any(String),
      });

      expect((await postStatus(path, fields, signature)).status).toBe(204);
      expect(await published(deliveryStatuses)).toEqual([]);
    });

    it('publishes each status of one message once: "sent" then "delivered"', async () => {
      const sid = messageSid();
      const path = `${STATUS_PATH}?notificationId=${randomUUID()}`;
      for (const status of ['sent', 'delivered']) {
        const fields = statusCallback({ MessageSid: sid, MessageStatus: status });
        expect((await postStatus(path, fields, twilioSignature(`${PUBLIC_WEBHOOK_BASE_URL}${path}`, fields))).status).toBe(204);
      }
      const events = await published<DeliveryStatusChangedPayload>(deliveryStatuses);
      expect(events.map((event) => event.payload.status)).toEqual(['sent', 'delivered']);
    });

    it('answers 204 and publishes nothing for a status that changes nothing ("sending")', async () => {
      const path = `${STATUS_PATH}?notificationId=${randomUUID()}`;
      const fields = statusCallback({ MessageSid: messageSid(), MessageStatus: 'sending' });
      expect((await postStatus(path, fields, twilioSignature(`${PUBLIC_WEBHOOK_BASE_URL}${path}`, fields))).status).toBe(204);
      expect(await published(deliveryStatuses)).toEqual([]);
    });

    it('refuses a forged signature with 403 "invalid signature" and publishes nothing', async () => {
      const path = `${STATUS_PATH}?notificationId=${randomUUID()}`;
      const fields = statusCallback({ MessageSid: messageSid(), MessageStatus: 'delivered' });
      const url = `${PUBLIC_WEBHOOK_BASE_URL}${path}`;

      const otherToken = await postStatus(path, fields, twilioSignature(url, fields, 'another-accounts-auth-token'));
      expect(otherToken).toMatchObject({ status: 403, text: 'invalid signature' });
      expect(otherToken.contentType).toMatch(/^text\/plain/);
      // Signed for "delivered", sent as "failed": a field outside those we read counts too.
      const tampered = await postStatus(path, { ...fields, MessageStatus: 'failed' }, twilioSignature(url, fields));
      expect(tampered.status).toBe(403);
      const otherNotification = await postStatus(`${STATUS_PATH}?notificationId=${randomUUID()}`, fields, twilioSignature(url, fields));
      expect(otherNotification.status).toBe(403);
      // Signed over the address this process sees instead of the public URL Twilio calls.
      const localUrl = await postStatus(path, fields, twilioSignature(`${service.url}${path}`, fields));
      expect(localUrl.status).toBe(403);

      expect(await published(deliveryStatuses)).toEqual([]);
    });

    it('refuses an unsigned callback with 403 and publishes nothing', async () => {
      const fields = statusCallback({ MessageSid: messageSid(), MessageStatus: 'delivered' });
      expect(await postStatus(`${STATUS_PATH}?notificationId=${randomUUID()}`, fields, null)).toMatchObject({
        status: 403,
        text: 'invalid signature',
      });
      expect(await published(deliveryStatuses)).toEqual([]);
    });

    it('refuses a signed but malformed callback with 400 naming what is wrong', async () => {
      const path = `${STATUS_PATH}?notificationId=${randomUUID()}`;
      const fields = statusCallback({ MessageSid: 'SM-not-a-sid', MessageStatus: 'delivered' });
      const response = await postStatus(path, fields, twilioSignature(`${PUBLIC_WEBHOOK_BASE_URL}${path}`, fields));
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toMatchObject({
        statusCode: 400,
        error: 'invalid_input',
        message: 'MessageSid must be a Twilio message SID: SM or MM and 32 hexadecimal digits',
      });
      expect(await published(deliveryStatuses)).toEqual([]);
    });
  });

  describe('SendGrid event webhook', () => {
    const sendGridEvent = (fields: Record<string, unknown>) => ({
      email: 'jane@example.com',
      timestamp: 1768503600,
      sg_event_id: randomUUID(),
      sg_message_id: `${randomUUID()}.filterdrecv-5bd.0`,
      ...fields,
    });

    it('publishes one DeliveryStatusChanged per event of ours in a signed batch, and nothing when the batch comes again', async () => {
      const delivered = randomUUID();
      const bounced = randomUUID();
      const events = [
        sendGridEvent({ event: 'delivered', notificationId: delivered, response: '250 OK' }),
        sendGridEvent({ event: 'bounce', notificationId: bounced, type: 'bounce', reason: '550 5.1.1 unknown user', status: '5.1.1' }),
        sendGridEvent({ event: 'deferred', notificationId: delivered }),
        sendGridEvent({ event: 'delivered' }), // not sent by us: no notificationId
      ];
      // As SendGrid sends it: its own spacing, which a re-serialisation would not reproduce.
      const body = JSON.stringify(events, null, 1);

      expect((await postSendGrid(body, signedSendGridPost(body))).status).toBe(204);
      const published1 = await published<DeliveryStatusChangedPayload>(deliveryStatuses);
      expect(published1.map((event) => event.payload).sort((a, b) => a.status.localeCompare(b.status))).toEqual([
        {
          notificationId: bounced,
          provider: 'sendgrid',
          providerMessageId: (events[1].sg_message_id as string).split('.')[0],
          status: 'bounced',
          providerStatus: 'bounce',
          errorCode: '5.1.1',
          reason: '550 5.1.1 unknown user',
          occurredAt: '2026-01-15T19:00:00.000Z',
        },
        expect.objectContaining({ notificationId: delivered, status: 'delivered', providerStatus: 'delivered', reason: null }),
      ]);

      // SendGrid retries a batch it thinks failed, signed again.
      expect((await postSendGrid(body, signedSendGridPost(body))).status).toBe(204);
      expect(await published(deliveryStatuses)).toEqual([]);
    });

    it('ignores an sg_event_id seen before and publishes the new one of the same batch', async () => {
      const notificationId = randomUUID();
      const seen = sendGridEvent({ event: 'processed', notificationId });
      const first = JSON.stringify([seen]);
      expect((await postSendGrid(first, signedSendGridPost(first))).status).toBe(204);
      expect(await published(deliveryStatuses)).toHaveLength(1);

      const fresh = sendGridEvent({ event: 'open', notificationId });
      const second = JSON.stringify([seen, fresh]);
      expect((await postSendGrid(second, signedSendGridPost(second))).status).toBe(204);
      const events = await published<DeliveryStatusChangedPayload>(deliveryStatuses);
      expect(events.map((event) => event.payload.providerStatus)).toEqual(['open']);
    });

    it('refuses a bad, missing or stale signature with 403 and publishes nothing', async () => {
      const body = JSON.stringify([sendGridEvent({ event: 'delivered', notificationId: randomUUID() })]);
      const signed = signedSendGridPost(body);

      const oneByteChanged = body.replace('delivered', 'Delivered');
      expect(await postSendGrid(oneByteChanged, signed)).toMatchObject({ status: 403, text: 'invalid signature' });
      expect((await postSendGrid(body, { ...signed, timestamp: String(Number(signed.timestamp) + 1) })).status).toBe(403);
      expect((await postSendGrid(body, { ...signed, signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(403);
      expect((await postSendGrid(body, {})).status).toBe(403);
      expect((await postSendGrid(body, { timestamp: signed.timestamp })).status).toBe(403);

      expect(await published(deliveryStatuses)).toEqual([]);
    });

    it('refuses a signed body that is not an array of events with 400', async () => {
      const body = JSON.stringify(sendGridEvent({ event: 'delivered', notificationId: randomUUID() }));
      const response = await postSendGrid(body, signedSendGridPost(body));
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toMatchObject({
        error: 'invalid_input',
        message: 'The body must be a JSON array of SendGrid events',
      });
    });

    it('takes a batch larger than the server-wide body limit of 1 MB', async () => {
      const events = Array.from({ length: 1000 }, () =>
        sendGridEvent({ event: 'click', notificationId: randomUUID(), url: `https://example.com/${'x'.repeat(1200)}` }),
      );
      const body = JSON.stringify(events);
      expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
      expect((await postSendGrid(body, signedSendGridPost(body))).status).toBe(204);
      expect(await published(deliveryStatuses)).toHaveLength(1000);
    });

    it('refuses a batch over 5 MB, and keeps the 1 MB limit on every other route', async () => {
      const huge = JSON.stringify([sendGridEvent({ event: 'click', notificationId: randomUUID(), url: 'x'.repeat(5 * 1024 * 1024) })]);
      expect((await postSendGrid(huge, signedSendGridPost(huge))).status).toBe(413);
      const fields = statusCallback({ MessageSid: messageSid(), MessageStatus: 'delivered', Body: 'x'.repeat(1024 * 1024) });
      expect((await postStatus(STATUS_PATH, fields, twilioSignature(`${PUBLIC_WEBHOOK_BASE_URL}${STATUS_PATH}`, fields))).status).toBe(413);
      expect(await published(deliveryStatuses)).toEqual([]);
    });
  });

  describe('stop list over request/response', () => {
    const actor = { id: randomUUID(), name: 'Sam Staff', email: 'sam@example.com' };

    it('adds an address once, lists it, and takes it off again, publishing OptOutChanged for each change only', async () => {
      const added = await service.rpc.request<StopListEntryView>('inbound-response', INBOUND_REQUEST.addToStopList, {
        actor,
        entry: { channel: 'sms', address: '+1 (415) 555-0142', reason: 'Asked by phone not to be texted' },
      });
      expect(added).toEqual({
        channel: 'sms',
        address: '+14155550142',
        source: 'staff',
        keyword: null,
        reason: 'Asked by phone not to be texted',
        changedBy: { id: actor.id, name: actor.name },
        optedOutAt: expect.any(String),
      });
      const optedOut = await published<OptOutChangedPayload>(optOuts);
      expect(optedOut.map((event) => event.payload)).toEqual([
        {
          channel: 'sms',
          address: '+14155550142',
          optedOut: true,
          source: 'staff',
          keyword: null,
          changedBy: { ...actor },
          changedAt: added.optedOutAt,
        },
      ]);

      const again = await service.rpc.request<StopListEntryView>('inbound-response', INBOUND_REQUEST.addToStopList, {
        actor: { ...actor, name: 'Someone Else' },
        entry: { channel: 'sms', address: '+14155550142' },
      });
      expect(again).toEqual(added);
      expect(await published(optOuts)).toEqual([]);

      const listed = await service.rpc.request<StopListEntryView[]>('inbound-response', INBOUND_REQUEST.listStopList, {
        channel: 'sms',
        address: '555014',
      });
      expect(listed).toEqual([added]);
      expect(await service.rpc.request('inbound-response', INBOUND_REQUEST.listStopList, { channel: 'email' })).toEqual([]);

      const removed = await service.rpc.request<StopListEntryView>('inbound-response', INBOUND_REQUEST.removeFromStopList, {
        actor,
        entry: { channel: 'sms', address: '+14155550142' },
      });
      expect(removed).toEqual(added);
      const optedIn = await published<OptOutChangedPayload>(optOuts);
      expect(optedIn.map((event) => event.payload)).toEqual([
        expect.objectContaining({ channel: 'sms', address: '+14155550142', optedOut: false, source: 'staff' }),
      ]);
      expect(await service.rpc.request('inbound-response', INBOUND_REQUEST.listStopList, {})).toEqual([]);
    });

    it('keeps emails trimmed and in lower case', async () => {
      const added = await service.rpc.request<StopListEntryView>('inbound-response', INBOUND_REQUEST.addToStopList, {
        actor,
        entry: { channel: 'email', address: '  Jane.Doe@Example.COM ' },
      });
      expect(added.address).toBe('jane.doe@example.com');
      expect(await published<OptOutChangedPayload>(optOuts)).toHaveLength(1);
    });

    it('refuses an address that is not one for its channel (invalid_input) and removing one not on the list (not_found)', async () => {
      const invalid = await service.rpc
        .request('inbound-response', INBOUND_REQUEST.addToStopList, { actor, entry: { channel: 'sms', address: 'jane@example.com' } })
        .catch((error: unknown) => error);
      expect(invalid).toBeInstanceOf(RemoteServiceError);
      expect(invalid).toMatchObject({
        code: 'invalid_input',
        message: 'address must be a valid mobile phone number in international E.164 form, e.g. +14155550100',
      });

      const missing = await service.rpc
        .request('inbound-response', INBOUND_REQUEST.removeFromStopList, { actor, entry: { channel: 'sms', address: '+14155550199' } })
        .catch((error: unknown) => error);
      expect(missing).toMatchObject({ code: 'not_found', message: 'stop list entry sms:+14155550199 was not found' });

      const malformed = await service.rpc
        .request('inbound-response', INBOUND_REQUEST.addToStopList, { actor, entry: { channel: 'fax', address: '+14155550100' } })
        .catch((error: unknown) => error);
      expect(malformed).toMatchObject({ code: 'invalid_input' });

      expect(await published(optOuts)).toEqual([]);
    });
  });
});
