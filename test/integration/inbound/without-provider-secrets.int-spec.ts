import { DeliveryStatusChangedPayload } from '@appointments/contracts';
import { DomainEventEnvelope, MessagingNames } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { BrokerClient } from '../messaging/broker-client';
import { InboundService } from './inbound-service';

jest.setTimeout(60_000);

describe('inbound-response without TWILIO_AUTH_TOKEN and without a SendGrid verification key', () => {
  let service: InboundService;
  let broker: BrokerClient;
  let deliveryStatuses: string;

  beforeAll(async () => {
    service = await InboundService.start('inbound_unsigned', {});
    broker = await BrokerClient.connect(service.environment.env.AMQP_URL);
    deliveryStatuses = await broker.observe(new MessagingNames(service.environment.amqpNamespace).exchange, 'DeliveryStatusChanged');
  });

  afterAll(async () => {
    await broker?.close();
    await service?.stop();
  });

  async function published(): Promise<DomainEventEnvelope<DeliveryStatusChangedPayload>[]> {
    await service.outboxDrained();
    return broker.takeEvents<DeliveryStatusChangedPayload>(deliveryStatuses);
  }

  it('refuses every Twilio webhook with 403, whatever signature it carries', async () => {
    const path = `/webhooks/twilio/status?notificationId=${randomUUID()}`;
    const fields = { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered' };
    const response = await service.post(path, new URLSearchParams(fields).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
    });
    expect(response).toMatchObject({ status: 403, text: 'invalid signature' });
    expect(await published()).toEqual([]);
  });

  it('accepts unsigned SendGrid events', async () => {
    const notificationId = randomUUID();
    const body = JSON.stringify([
      { event: 'delivered', sg_event_id: randomUUID(), sg_message_id: 'abc.def', timestamp: 1768503600, notificationId },
    ]);
    expect((await service.post('/webhooks/sendgrid/events', body, { 'content-type': 'application/json' })).status).toBe(204);
    expect((await published()).map((event) => event.payload)).toEqual([
      expect.objectContaining({ notificationId, status: 'delivered', providerMessageId: 'abc' }),
    ]);
  });
});
