import { DeliveryStatusChangedPayload, DOMAIN_EVENT, LandingTokenView, ReplyTargetOpenedPayload } from '@appointments/contracts';
import { DomainEventEnvelope, MessagingNames, stampDomainEvent } from '@appointments/messaging';
import { eventually } from '@appointments/testing';
import { createHmac, generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BrokerClient } from '../messaging/broker-client';
import { InboundService } from './inbound-service';

jest.setTimeout(60_000);

const SENDGRID_PATH = '/webhooks/sendgrid/events';
const TWILIO_AUTH_TOKEN = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const PUBLIC_WEBHOOK_BASE_URL = 'https://hooks.example.com';
const TOLERANCE_SECONDS = 300;

function newP256Key(): { privateKey: KeyObject; verificationKey: string } {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: keys.privateKey, verificationKey: keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

/** SendGrid's headers for `body` signed with `key` at `seconds` (unix time). */
function signedSendGridHeaders(body: string, key: KeyObject, seconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const timestamp = String(seconds);
  return {
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-timestamp': timestamp,
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(timestamp + body, 'utf8'), key).toString('base64'),
  };
}

function sendGridBatch(fields: Record<string, unknown>): string {
  return JSON.stringify([
    {
      email: 'jane@example.com',
      timestamp: Math.floor(Date.now() / 1000),
      sg_event_id: randomUUID(),
      sg_message_id: `${randomUUID()}.filterdrecv-1.0`,
      ...fields,
    },
  ]);
}

/** What the service published of one type since the last call. */
async function publishedSince(
  service: InboundService,
  broker: BrokerClient,
  queue: string,
): Promise<DomainEventEnvelope<DeliveryStatusChangedPayload>[]> {
  await service.outboxDrained();
  return broker.takeEvents<DeliveryStatusChangedPayload>(queue);
}

describe('inbound-response in production without SENDGRID_WEBHOOK_VERIFICATION_KEY', () => {
  let service: InboundService;
  let broker: BrokerClient;
  let deliveryStatuses: string;

  beforeAll(async () => {
    service = await InboundService.start('inbound_prod_unsigned', { NODE_ENV: 'production' });
    broker = await BrokerClient.connect(service.environment.env.AMQP_URL);
    deliveryStatuses = await broker.observe(
      new MessagingNames(service.environment.amqpNamespace).exchange,
      DOMAIN_EVENT.DeliveryStatusChanged,
    );
  });

  afterAll(async () => {
    await broker?.close();
    await service?.stop();
  });

  it('refuses every SendGrid event webhook with 403, unsigned or signed with any key, and publishes nothing', async () => {
    const body = sendGridBatch({ event: 'bounce', type: 'bounce', notificationId: randomUUID() });
    expect(await service.post(SENDGRID_PATH, body, { 'content-type': 'application/json' })).toMatchObject({
      status: 403,
      text: 'invalid signature',
    });
    expect((await service.post(SENDGRID_PATH, body, signedSendGridHeaders(body, newP256Key().privateKey))).status).toBe(403);
    expect(await publishedSince(service, broker, deliveryStatuses)).toEqual([]);
  });
});

describe('inbound-response: SendGrid replays and reports about another channel', () => {
  let service: InboundService;
  let broker: BrokerClient;
  let deliveryStatuses: string;
  let exchange: string;
  let sendGridKey: KeyObject;

  beforeAll(async () => {
    const key = newP256Key();
    sendGridKey = key.privateKey;
    service = await InboundService.start('inbound_strict_webhooks', {
      TWILIO_AUTH_TOKEN,
      PUBLIC_WEBHOOK_BASE_URL,
      SENDGRID_WEBHOOK_VERIFICATION_KEY: key.verificationKey,
      SENDGRID_WEBHOOK_TOLERANCE_SECONDS: String(TOLERANCE_SECONDS),
    });
    broker = await BrokerClient.connect(service.environment.env.AMQP_URL);
    exchange = new MessagingNames(service.environment.amqpNamespace).exchange;
    deliveryStatuses = await broker.observe(exchange, DOMAIN_EVENT.DeliveryStatusChanged);
  });

  afterAll(async () => {
    await broker?.close();
    await service?.stop();
  });

  const published = () => publishedSince(service, broker, deliveryStatuses);

  it.each([
    ['an hour ago', -3600],
    [`${TOLERANCE_SECONDS + 5} s ago`, -TOLERANCE_SECONDS - 5],
    ['an hour ahead', 3600],
  ])('refuses with 403 a correctly signed batch whose timestamp is %s, and publishes nothing', async (_when, offsetSeconds) => {
    const body = sendGridBatch({ event: 'bounce', type: 'bounce', notificationId: randomUUID() });
    const headers = signedSendGridHeaders(body, sendGridKey, Math.floor(Date.now() / 1000) + offsetSeconds);
    expect(await service.post(SENDGRID_PATH, body, headers)).toMatchObject({ status: 403, text: 'invalid signature' });
    expect(await published()).toEqual([]);
  });

  it('takes the same batch signed now (a minute off either way is fine)', async () => {
    for (const offsetSeconds of [-60, 0, 60]) {
      const body = sendGridBatch({ event: 'delivered', notificationId: randomUUID() });
      expect(
        (await service.post(SENDGRID_PATH, body, signedSendGridHeaders(body, sendGridKey, Math.floor(Date.now() / 1000) + offsetSeconds)))
          .status,
      ).toBe(204);
    }
    expect(await published()).toHaveLength(3);
  });

  describe('the reply target of an SMS', () => {
    const db = () => service.app.get(DataSource);

    async function replyTargetClosedAt(notificationId: string): Promise<Date | null | undefined> {
      const rows: { closed_at: Date | null }[] = await db().query(
        'SELECT closed_at FROM inbound_response.reply_targets WHERE notification_id = $1',
        [notificationId],
      );
      return rows[0]?.closed_at;
    }

    /** An SMS with reply codes sent, as notification-dispatch announces it (`ReplyTargetOpened`); resolves once kept. */
    async function openReplyTarget(): Promise<{ notificationId: string; messageSid: string }> {
      const notificationId = randomUUID();
      const messageSid = `SM${randomUUID().replace(/-/g, '')}`;
      const target: LandingTokenView = {
        notificationId,
        eventId: randomUUID(),
        customerId: randomUUID(),
        channel: 'sms',
        configKey: 'rsvp',
        config: { replyCodes: { enabled: true } } as unknown as LandingTokenView['config'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        createdAt: new Date().toISOString(),
        phone: `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
      };
      const payload: ReplyTargetOpenedPayload = { target, providerMessageId: messageSid, sentAt: new Date().toISOString() };
      const envelope = stampDomainEvent(
        { type: DOMAIN_EVENT.ReplyTargetOpened, eventId: target.eventId, payload },
        'notification-dispatch',
      );
      await broker.publish(exchange, DOMAIN_EVENT.ReplyTargetOpened, JSON.stringify(envelope), {
        messageId: envelope.id,
        type: envelope.type,
        contentType: 'application/json',
      });
      await eventually(
        () => replyTargetClosedAt(notificationId),
        (closedAt) => closedAt === null,
        { what: 'the reply target to be kept, open' },
      );
      return { notificationId, messageSid };
    }

    it('stays open after a signed SendGrid bounce naming the SMS; a Twilio undelivered report closes it', async () => {
      const { notificationId, messageSid } = await openReplyTarget();

      const bounce = sendGridBatch({ event: 'bounce', type: 'bounce', reason: '550 5.1.1 unknown user', status: '5.1.1', notificationId });
      expect((await service.post(SENDGRID_PATH, bounce, signedSendGridHeaders(bounce, sendGridKey))).status).toBe(204);
      // Applied in the webhook's own transaction: so by now, had it closed anything.
      expect(await replyTargetClosedAt(notificationId)).toBeNull();
      // Published all the same: notification-dispatch decides, and refuses it (another channel).
      expect((await published()).map((event) => event.payload)).toEqual([
        expect.objectContaining({ notificationId, provider: 'sendgrid', status: 'bounced' }),
      ]);

      const path = `/webhooks/twilio/status?notificationId=${notificationId}`;
      const fields: Record<string, string> = { MessageSid: messageSid, MessageStatus: 'undelivered', ErrorCode: '30003' };
      const data = Object.keys(fields)
        .sort()
        .reduce((signed, name) => signed + name + fields[name], `${PUBLIC_WEBHOOK_BASE_URL}${path}`);
      const signature = createHmac('sha1', TWILIO_AUTH_TOKEN).update(data, 'utf8').digest('base64');
      const undelivered = await service.post(path, new URLSearchParams(fields).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      });
      expect(undelivered.status).toBe(204);
      expect(await replyTargetClosedAt(notificationId)).toBeInstanceOf(Date);
      expect(await published()).toHaveLength(1);
    });
  });
});
