import { CustomerRespondedPayload, DOMAIN_EVENT, InboundMessageReceivedPayload, OptOutChangedPayload } from '@appointments/contracts';
import { MessagingNames } from '@appointments/messaging';
import { createHmac, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BrokerClient } from '../messaging/broker-client';
import { InboundService } from './inbound-service';

jest.setTimeout(60_000);

const TWILIO_AUTH_TOKEN = '1a2b3c4d5e6f708192a3b4c5d6e7f809';
const PUBLIC_WEBHOOK_BASE_URL = 'https://hooks.example.com';
const SMS_PATH = '/webhooks/twilio/sms';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const messageSid = () => `SM${randomUUID().replace(/-/g, '')}`;
const phone = () => `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;

/**
 * inbound-response's SMS replies through its webhook, in process, on the real PostgreSQL and
 * broker: the use case (`ReceiveSmsReply` behind the webhook's group commit, `RecordCustomerResponse`,
 * the stop list) over its repositories. The reply targets come as notification-dispatch announces them.
 */
describe('inbound-response: SMS replies', () => {
  let service: InboundService;
  let broker: BrokerClient;
  let exchange: string;
  const observed: Record<string, string> = {};

  beforeAll(async () => {
    service = await InboundService.start('inbound_sms_replies', { TWILIO_AUTH_TOKEN, PUBLIC_WEBHOOK_BASE_URL });
    broker = await BrokerClient.connect(service.environment.env.AMQP_URL);
    exchange = new MessagingNames(service.environment.amqpNamespace).exchange;
    for (const type of [DOMAIN_EVENT.CustomerResponded, DOMAIN_EVENT.OptOutChanged, DOMAIN_EVENT.InboundMessageReceived])
      observed[type] = await broker.observe(exchange, type);
  });

  afterAll(async () => {
    await broker?.close();
    await service?.stop();
  });

  const db = () => service.app.get(DataSource);

  async function published<P>(type: string): Promise<P[]> {
    await service.outboxDrained();
    return (await broker.takeEvents<P>(observed[type])).map((event) => event.payload);
  }

  /** An SMS with reply codes sent to a new phone, as notification-dispatch announces it; resolves once kept. */
  const openReplyTarget = () => service.openReplyTarget(broker, phone());

  /** Posts an SMS as Twilio does (signed form); answers the status and the TwiML. */
  async function sms(fields: { MessageSid?: string; From: string; Body: string }) {
    const form: Record<string, string> = { MessageSid: messageSid(), To: '+15005550006', AccountSid: `AC${'2'.repeat(32)}`, ...fields };
    const data = Object.keys(form)
      .sort()
      .reduce((signed, name) => signed + name + form[name], `${PUBLIC_WEBHOOK_BASE_URL}${SMS_PATH}`);
    const signature = createHmac('sha1', TWILIO_AUTH_TOKEN).update(data, 'utf8').digest('base64');
    return service.post(SMS_PATH, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
    });
  }

  it('records a reply code once as a response to the notification it answers; the same MessageSid again changes nothing', async () => {
    const target = await openReplyTarget();
    const sid = messageSid();
    expect(await sms({ MessageSid: sid, From: target.phone, Body: ' 1 ' })).toMatchObject({ status: 200, text: EMPTY_TWIML });
    const [responded, ...more] = await published<CustomerRespondedPayload>(DOMAIN_EVENT.CustomerResponded);
    expect(more).toEqual([]);
    expect(responded).toMatchObject({
      eventId: target.eventId,
      customerId: target.customerId,
      notificationId: target.notificationId,
      response: 'accept',
      channel: 'sms_reply',
      from: target.phone,
      inboundMessage: { body: ' 1 ', providerMessageId: sid },
    });

    expect(await sms({ MessageSid: sid, From: target.phone, Body: ' 1 ' })).toMatchObject({ status: 200, text: EMPTY_TWIML });
    expect(await published(DOMAIN_EVENT.CustomerResponded)).toEqual([]);
    const [stored] = await db().query('SELECT kind, response_id FROM inbound_response.inbound_sms WHERE message_sid = $1', [sid]);
    expect(stored).toEqual({ kind: 'code', response_id: responded.responseId });
  });

  it('applies one MessageSid posted many times at once once, and answers every copy as the first', async () => {
    const target = await openReplyTarget();
    const [code, help] = [messageSid(), messageSid()];
    const answers = await Promise.all([
      ...Array.from({ length: 3 }, () => sms({ MessageSid: code, From: target.phone, Body: '2' })),
      ...Array.from({ length: 3 }, () => sms({ MessageSid: help, From: target.phone, Body: 'HELP' })),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.slice(0, 3).map((answer) => answer.text))).toEqual(new Set([EMPTY_TWIML]));
    expect(new Set(answers.slice(3).map((answer) => answer.text)).size).toBe(1);
    expect(answers[3].text).toContain('<Message>');

    const [responded, ...more] = await published<CustomerRespondedPayload>(DOMAIN_EVENT.CustomerResponded);
    expect(more).toEqual([]);
    expect(responded).toMatchObject({ response: 'reschedule', inboundMessage: { providerMessageId: code } });
    expect((await published<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived)).map((payload) => payload.kind)).toEqual([
      'help',
    ]);
    const rows = await db().query('SELECT message_sid, kind, response_id FROM inbound_response.inbound_sms WHERE message_sid = ANY($1)', [
      [code, help],
    ]);
    expect(rows).toHaveLength(2);
    expect(rows.find((row: { message_sid: string }) => row.message_sid === code)).toMatchObject({
      kind: 'code',
      response_id: responded.responseId,
    });
  });

  it('answers the same code repeated under a new MessageSid with the earlier response, publishing nothing', async () => {
    const target = await openReplyTarget();
    await sms({ From: target.phone, Body: '3' });
    const [first] = await published<CustomerRespondedPayload>(DOMAIN_EVENT.CustomerResponded);
    await sms({ From: target.phone, Body: '3' });
    expect(await published(DOMAIN_EVENT.CustomerResponded)).toEqual([]);
    const rows = await db().query('SELECT response_id FROM inbound_response.inbound_sms WHERE from_phone = $1', [target.phone]);
    expect(rows).toEqual([{ response_id: first.responseId }, { response_id: first.responseId }]);
  });

  it('applies SMS arriving together from many phones (grouped as they come), each once with its own code', async () => {
    const targets = await Promise.all(Array.from({ length: 6 }, () => openReplyTarget()));
    const answers = await Promise.all(targets.map((target, index) => sms({ From: target.phone, Body: String((index % 3) + 1) })));
    expect(answers.map((answer) => answer.status)).toEqual(targets.map(() => 200));
    const responded = await published<CustomerRespondedPayload>(DOMAIN_EVENT.CustomerResponded);
    expect(responded.map((payload) => [payload.notificationId, payload.response]).sort()).toEqual(
      targets.map((target, index) => [target.notificationId, ['accept', 'reschedule', 'decline'][index % 3]]).sort(),
    );
  });

  it('puts the number on the stop list for STOP, once, and takes it off for START', async () => {
    const target = await openReplyTarget();
    expect((await sms({ From: target.phone, Body: 'STOP' })).text).toBe(EMPTY_TWIML);
    expect((await sms({ From: target.phone, Body: 'stop' })).text).toBe(EMPTY_TWIML);
    expect(await published<OptOutChangedPayload>(DOMAIN_EVENT.OptOutChanged)).toEqual([
      expect.objectContaining({ channel: 'sms', address: target.phone, optedOut: true, source: 'sms_keyword', keyword: 'STOP' }),
    ]);
    const onList = await db().query('SELECT keyword FROM inbound_response.stop_list WHERE channel = $1 AND address = $2', [
      'sms',
      target.phone,
    ]);
    expect(onList).toEqual([{ keyword: 'STOP' }]);

    await sms({ From: target.phone, Body: 'START' });
    expect(await published<OptOutChangedPayload>(DOMAIN_EVENT.OptOutChanged)).toEqual([
      expect.objectContaining({ address: target.phone, optedOut: false, keyword: 'START' }),
    ]);
    expect(await db().query('SELECT 1 FROM inbound_response.stop_list WHERE address = $1', [target.phone])).toEqual([]);
    const kinds = await published<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived);
    expect(kinds.map((payload) => payload.kind)).toEqual(['opt_out', 'opt_out', 'opt_in']);
  });

  it('hands any other text on as a message of the notification it answers', async () => {
    const target = await openReplyTarget();
    expect((await sms({ From: target.phone, Body: 'Can we make it later?' })).text).toBe(EMPTY_TWIML);
    expect(await published<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived)).toEqual([
      expect.objectContaining({
        kind: 'message',
        body: 'Can we make it later?',
        eventId: target.eventId,
        notificationId: target.notificationId,
      }),
    ]);
  });
});
