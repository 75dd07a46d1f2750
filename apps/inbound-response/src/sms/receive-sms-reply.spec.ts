import {
  CustomerRespondedPayload,
  DOMAIN_EVENT,
  InboundMessageReceivedPayload,
  LandingTokenView,
  NotificationConfig,
  OptOutChangedPayload,
} from '@appointments/contracts';
import type { DomainEventOutbox, NewDomainEvent, RpcClient } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { InboundConfig } from '../inbound.config';
import type { CustomerResponsesRepository } from '../persistence/customer-responses.repository';
import { InMemoryCustomerResponsesRepository } from '../persistence/customer-responses.repository.fake';
import type { InboundSmsRepository } from '../persistence/inbound-sms.repository';
import { InMemoryInboundSmsRepository } from '../persistence/inbound-sms.repository.fake';
import type { ReplyTargetsRepository } from '../persistence/reply-targets.repository';
import { InMemoryReplyTargetsRepository } from '../persistence/reply-targets.repository.fake';
import type { StopListRepository } from '../persistence/stop-list.repository';
import { InMemoryStopListRepository } from '../persistence/stop-list.repository.fake';
import { RecordCustomerResponse } from '../responses/record-customer-response';
import { StopList } from '../stop-list/stop-list';
import { ReceiveSmsReply, SmsReply } from './receive-sms-reply';

const HELP_TEXT = 'Acme: reply 1 to confirm. Reply STOP to opt out.';
const NO_OPEN_REPLY = 'Sorry, we could not match your message to an appointment.';
const OUR_NUMBER = '+15005550006';

let sids = 0;
const messageSid = () => `SM${String((sids += 1)).padStart(32, '0')}`;
let phones = 0;
const phone = () => `+1415555${String((phones += 1)).padStart(4, '0')}`;

/**
 * `ReceiveSmsReply` over in-memory repositories: its transaction rolls them (and the outbox)
 * back when the work throws, as PostgreSQL would. `dispatch` answers notification-dispatch's
 * lookup of the senders the copy lacks (none, unless told).
 */
function harness(dispatch: (phones: string[]) => Promise<(LandingTokenView | null)[]> = async (asked) => asked.map(() => null)) {
  const targets = new InMemoryReplyTargetsRepository();
  const inboundSms = new InMemoryInboundSmsRepository();
  const responses = new InMemoryCustomerResponsesRepository();
  const stopListEntries = new InMemoryStopListRepository();
  const published: NewDomainEvent[] = [];
  const counts = { transactions: 0, rolledBack: 0, outboxAdds: 0 };
  const outbox = {
    add: async (_manager: EntityManager, events: NewDomainEvent[]) => {
      if (events.length > 0) counts.outboxAdds += 1;
      published.push(...events);
      return [];
    },
  } as unknown as DomainEventOutbox;
  const dataSource = {
    transaction: async (work: (manager: EntityManager) => Promise<unknown>) => {
      counts.transactions += 1;
      const restore = [inboundSms.snapshot(), responses.snapshot(), stopListEntries.snapshot()];
      const publishedBefore = published.length;
      try {
        return await work({} as EntityManager);
      } catch (error) {
        for (const rollBack of restore) rollBack();
        published.length = publishedBefore;
        counts.rolledBack += 1;
        throw error;
      }
    },
  } as unknown as DataSource;
  const askedDispatch: string[][] = [];
  const rpc = {
    request: async (_service: string, _pattern: string, query: { phones: string[] }) => {
      askedDispatch.push(query.phones);
      return dispatch(query.phones);
    },
  } as unknown as RpcClient;
  const logger = pino({ level: 'silent' });
  const config = Object.assign(new InboundConfig(), { SMS_HELP_TEXT: HELP_TEXT, SMS_NO_OPEN_NOTIFICATION_REPLY: NO_OPEN_REPLY });
  const receive = new ReceiveSmsReply(
    dataSource,
    targets as unknown as ReplyTargetsRepository,
    rpc,
    new RecordCustomerResponse(dataSource, responses as unknown as CustomerResponsesRepository, outbox, rpc, logger),
    new StopList(dataSource, stopListEntries as unknown as StopListRepository, outbox, logger),
    inboundSms as unknown as InboundSmsRepository,
    outbox,
    config,
    logger,
  );

  /** An SMS with reply codes (the default table unless given) sent to a new phone, in the copy of the open reply targets. */
  async function openTarget(
    replyCodes: NotificationConfig['replyCodes'] = { enabled: true },
  ): Promise<LandingTokenView & { phone: string }> {
    const target = {
      notificationId: randomUUID(),
      eventId: randomUUID(),
      customerId: randomUUID(),
      channel: 'sms' as const,
      configKey: 'rsvp',
      config: { replyCodes } as NotificationConfig,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      createdAt: new Date().toISOString(),
      phone: phone(),
    };
    await targets.add({} as EntityManager, [
      {
        notification_id: target.notificationId,
        phone: target.phone,
        event_id: target.eventId,
        customer_id: target.customerId,
        config_key: target.configKey,
        channel: target.channel,
        config: target.config,
        expires_at: target.expiresAt,
        created_at: target.createdAt,
        closed_at: null,
      },
    ]);
    return target;
  }

  /** The events published of one type, taken (a later call answers only those published since). */
  function take<P>(type: string): NewDomainEvent<P>[] {
    const taken = published.filter((event) => event.type === type) as NewDomainEvent<P>[];
    for (const event of taken) published.splice(published.indexOf(event), 1);
    return taken;
  }

  return { receive, targets, inboundSms, responses, stopListEntries, published, take, counts, askedDispatch, openTarget };
}

const sms = (from: string, body: string, fields: Partial<SmsReply> = {}): SmsReply => ({
  messageSid: messageSid(),
  from,
  to: OUR_NUMBER,
  body,
  correlationId: `c-${randomUUID()}`,
  ...fields,
});

describe('ReceiveSmsReply: reply codes', () => {
  it('records a code as a response to the notification it answers, stores the SMS once with it, and answers empty', async () => {
    const { receive, openTarget, responses, inboundSms, take } = harness();
    const target = await openTarget();
    const one = sms(target.phone, ' 1 ');

    const [answer] = await receive.execute([one]);

    const [response] = responses.all;
    expect(answer).toEqual({
      kind: 'code',
      reply: null,
      duplicate: false,
      from: target.phone,
      eventId: target.eventId,
      notificationId: target.notificationId,
      responseId: response.id,
    });
    expect(response).toMatchObject({
      eventId: target.eventId,
      response: 'accept',
      channel: 'sms_reply',
      providerMessageId: one.messageSid,
    });
    const [responded] = take<CustomerRespondedPayload>(DOMAIN_EVENT.CustomerResponded);
    expect(responded).toMatchObject({ eventId: target.eventId, correlationId: one.correlationId });
    expect(responded.payload).toMatchObject({
      responseId: response.id,
      eventId: target.eventId,
      customerId: target.customerId,
      notificationId: target.notificationId,
      configKey: 'rsvp',
      response: 'accept',
      reason: null,
      channel: 'sms_reply',
      from: target.phone,
      autoReply: null,
      inboundMessage: { body: ' 1 ', providerMessageId: one.messageSid },
    });
    expect(inboundSms.stored(one.messageSid)).toEqual({
      messageSid: one.messageSid,
      from: target.phone,
      to: OUR_NUMBER,
      body: ' 1 ',
      kind: 'code',
      notificationId: target.notificationId,
      responseId: response.id,
      reply: null,
    });
  });

  it("reads a code with the answered notification's own table, with its auto-reply", async () => {
    const { receive, openTarget, take } = harness();
    const target = await openTarget({ enabled: true, codes: [{ code: 'Y', action: 'accept', autoReply: 'See you then!' }] });
    const [yes, one] = await receive.execute([sms(target.phone, 'y!'), sms(target.phone, '1')]);
    expect([yes.kind, one.kind]).toEqual(['code', 'message']);
    expect(take<CustomerRespondedPayload>(DOMAIN_EVENT.CustomerResponded).map((event) => event.payload.autoReply)).toEqual([
      'See you then!',
    ]);
  });

  it('answers the same code under a new MessageSid with the earlier response, publishing nothing', async () => {
    const { receive, openTarget, responses, inboundSms, take } = harness();
    const target = await openTarget();
    const [first] = await receive.execute([sms(target.phone, '3')]);
    take(DOMAIN_EVENT.CustomerResponded);
    const again = sms(target.phone, '3');
    const [second] = await receive.execute([again]);
    expect(second).toMatchObject({ kind: 'code', duplicate: false, responseId: first.responseId });
    expect(responses.all).toHaveLength(1);
    expect(take(DOMAIN_EVENT.CustomerResponded)).toEqual([]);
    expect(inboundSms.stored(again.messageSid)).toMatchObject({ kind: 'code', responseId: first.responseId });
  });

  it('decides a list as if each SMS came alone, in order: a change of mind is recorded, its repeat is not', async () => {
    const { receive, openTarget, responses, take } = harness();
    const target = await openTarget();
    const answers = await receive.execute([sms(target.phone, '1'), sms(target.phone, '3'), sms(target.phone, '3')]);
    expect(responses.all.map((response) => response.response)).toEqual(['accept', 'decline']);
    expect(answers.map((answer) => answer.responseId)).toEqual([responses.all[0].id, responses.all[1].id, responses.all[1].id]);
    expect(take<CustomerRespondedPayload>(DOMAIN_EVENT.CustomerResponded).map((event) => event.payload.response)).toEqual([
      'accept',
      'decline',
    ]);
  });
});

describe('ReceiveSmsReply: once per MessageSid', () => {
  it('answers a MessageSid received before as it was answered then, and does nothing again', async () => {
    const { receive, openTarget, responses, inboundSms, published } = harness();
    const target = await openTarget();
    const code = sms(target.phone, '1');
    const help = sms(target.phone, 'HELP');
    await receive.execute([code, help]);
    const before = { responses: responses.all.length, stored: inboundSms.size, published: published.length };

    const answers = await receive.execute([code, help]);

    expect(answers).toEqual([
      { kind: 'code', reply: null, duplicate: true, from: target.phone, eventId: null, notificationId: null, responseId: null },
      { kind: 'help', reply: HELP_TEXT, duplicate: true, from: target.phone, eventId: null, notificationId: null, responseId: null },
    ]);
    expect({ responses: responses.all.length, stored: inboundSms.size, published: published.length }).toEqual(before);
  });

  it('applies a MessageSid given twice in one list once, and answers the second like the first', async () => {
    const { receive, openTarget, responses, take } = harness();
    const target = await openTarget();
    const code = sms(target.phone, '1');
    const help = sms(phone(), 'help');

    const answers = await receive.execute([code, help, { ...code }, { ...help }]);

    expect(answers.map((answer) => [answer.kind, answer.reply, answer.duplicate])).toEqual([
      ['code', null, false],
      ['help', HELP_TEXT, false],
      ['code', null, true],
      ['help', HELP_TEXT, true],
    ]);
    expect(responses.all).toHaveLength(1);
    expect(take(DOMAIN_EVENT.CustomerResponded)).toHaveLength(1);
    expect(take<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived).map((event) => event.payload.kind)).toEqual(['help']);
  });

  describe('a MessageSid received before counts in none of the decisions about the others', () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date('2027-01-10T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('a retried "1" eleven minutes on, with a new "1" to the same event: the new one is a new response', async () => {
      const { receive, openTarget, responses, take } = harness();
      const target = await openTarget();
      const retried = sms(target.phone, '1');
      await receive.execute([retried]);
      take(DOMAIN_EVENT.CustomerResponded);

      jest.setSystemTime(new Date('2027-01-10T12:11:00Z'));
      // Taken alone, the retried "1" would be a new response (the first is over ten minutes
      // old), and the new "1" a repeat of it: the retry is answered as before instead, and the
      // new one compared with the response really recorded.
      const [again, fresh] = await receive.execute([retried, sms(target.phone, '1')]);

      expect(again).toMatchObject({ kind: 'code', duplicate: true });
      expect(responses.all).toHaveLength(2);
      expect(fresh).toMatchObject({ kind: 'code', duplicate: false, responseId: responses.all[1].id });
      expect(take(DOMAIN_EVENT.CustomerResponded)).toHaveLength(1);
    });
  });
});

describe('ReceiveSmsReply: carrier keywords and messages', () => {
  it('STOP puts the number on the stop list once and publishes the change with the message; START takes it off', async () => {
    const { receive, openTarget, stopListEntries, take } = harness();
    const target = await openTarget();

    const [stop, again] = await receive.execute([sms(target.phone, 'Stop.'), sms(target.phone, 'STOP')]);
    expect([stop, again].map((answer) => [answer.kind, answer.reply])).toEqual([
      ['opt_out', null],
      ['opt_out', null],
    ]);
    expect(stopListEntries.addresses('sms')).toEqual([target.phone]);
    expect(take<OptOutChangedPayload>(DOMAIN_EVENT.OptOutChanged).map((event) => event.payload)).toEqual([
      expect.objectContaining({ channel: 'sms', address: target.phone, optedOut: true, source: 'sms_keyword', keyword: 'STOP' }),
    ]);
    expect(take<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived).map((event) => event.payload)).toEqual([
      expect.objectContaining({ kind: 'opt_out', body: 'Stop.', eventId: target.eventId, notificationId: target.notificationId }),
      expect.objectContaining({ kind: 'opt_out', body: 'STOP' }),
    ]);

    await receive.execute([sms(target.phone, 'START')]);
    expect(stopListEntries.addresses('sms')).toEqual([]);
    expect(take<OptOutChangedPayload>(DOMAIN_EVENT.OptOutChanged).map((event) => event.payload)).toEqual([
      expect.objectContaining({ address: target.phone, optedOut: false, keyword: 'START' }),
    ]);
  });

  it('STOP then START in one list leave the number off the list, each change published in order', async () => {
    const { receive, stopListEntries, take } = harness();
    const from = phone();
    await receive.execute([sms(from, 'STOP'), sms(phone(), 'hello'), sms(from, 'START')]);
    expect(stopListEntries.addresses('sms')).toEqual([]);
    expect(take<OptOutChangedPayload>(DOMAIN_EVENT.OptOutChanged).map((event) => event.payload.optedOut)).toEqual([true, false]);
  });

  it('answers HELP with the help text, and hands it on as a message', async () => {
    const { receive, take } = harness();
    const from = phone();
    const help = sms(from, 'help');
    expect(await receive.execute([help])).toEqual([
      { kind: 'help', reply: HELP_TEXT, duplicate: false, from, eventId: null, notificationId: null, responseId: null },
    ]);
    const [received] = take<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived);
    expect(received).toMatchObject({ correlationId: help.correlationId, payload: { kind: 'help', providerMessageId: help.messageSid } });
  });

  it('hands other text on as a message of the notification it answers; from a number with none, answers the configured reply', async () => {
    const { receive, openTarget, inboundSms, take } = harness();
    const target = await openTarget();
    const stranger = phone();
    const late = sms(target.phone, 'Running late');
    const lost = sms(stranger, '1');
    const answers = await receive.execute([late, lost]);
    expect(answers.map((answer) => [answer.kind, answer.reply])).toEqual([
      ['message', null],
      ['no_open_notification', NO_OPEN_REPLY],
    ]);
    expect(take<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived).map((event) => event.payload)).toEqual([
      {
        messageId: expect.any(String),
        providerMessageId: late.messageSid,
        from: target.phone,
        to: OUR_NUMBER,
        body: 'Running late',
        receivedAt: expect.any(String),
        kind: 'message',
        eventId: target.eventId,
        notificationId: target.notificationId,
        customerId: target.customerId,
        reply: null,
      },
      expect.objectContaining({
        kind: 'no_open_notification',
        from: stranger,
        eventId: null,
        notificationId: null,
        customerId: null,
        // The TwiML answer, for the conversation.
        reply: { messageId: expect.any(String), body: NO_OPEN_REPLY },
      }),
    ]);
    expect(inboundSms.stored(lost.messageSid)).toMatchObject({ kind: 'no_open_notification', reply: NO_OPEN_REPLY, notificationId: null });
  });

  it('names a sender not written in E.164 as the stop list does', async () => {
    const { receive } = harness();
    const [answer] = await receive.execute([sms('+1 (415) 555-0142', 'Hello')]);
    expect(answer.from).toBe('+14155550142');
  });
});

describe('ReceiveSmsReply: finding the notification answered', () => {
  it('looks each sender up once per list, and asks dispatch only about the senders the copy lacks', async () => {
    const elsewhere: LandingTokenView[] = [];
    const { receive, openTarget, targets, askedDispatch, responses } = harness(async (asked) =>
      asked.map((one) => elsewhere.find((target) => target.phone === one) ?? null),
    );
    const target = await openTarget();
    const other = { ...target, notificationId: randomUUID(), eventId: randomUUID(), phone: phone() };
    elsewhere.push(other);

    await receive.execute([sms(target.phone, '1'), sms(other.phone, '3'), sms(target.phone, 'Thanks')]);
    expect(targets.lookups).toEqual([[target.phone, other.phone]]);
    expect(askedDispatch).toEqual([[other.phone]]);
    expect(responses.all.map((response) => [response.eventId, response.response])).toEqual([
      [target.eventId, 'accept'],
      [other.eventId, 'decline'],
    ]);

    await receive.execute([sms(target.phone, '2')]);
    expect(askedDispatch).toHaveLength(1);
  });

  it('while dispatch is away, applies keywords from senders the copy lacks without a notification; nothing else from them', async () => {
    const unreachable = new Error('dispatch is away');
    const { receive, openTarget, inboundSms, stopListEntries, responses, take } = harness(async () => {
      throw unreachable;
    });
    const target = await openTarget();
    const stranger = phone();

    const answers = await receive.execute([sms(target.phone, '1'), sms(stranger, 'STOP')]);
    expect(answers.map((answer) => answer.kind)).toEqual(['code', 'opt_out']);
    expect(responses.all).toHaveLength(1);
    expect(stopListEntries.addresses('sms')).toEqual([stranger]);
    expect(take<InboundMessageReceivedPayload>(DOMAIN_EVENT.InboundMessageReceived).map((event) => event.payload)).toEqual([
      expect.objectContaining({ kind: 'opt_out', eventId: null }),
    ]);

    const code = sms(stranger, '1');
    await expect(receive.execute([code])).rejects.toBe(unreachable);
    expect(inboundSms.stored(code.messageSid)).toBeUndefined();
  });
});

describe('ReceiveSmsReply: what a list costs', () => {
  it('one lookup and one transaction of a statement per step, however many SMS it holds', async () => {
    const { receive, openTarget, targets, inboundSms, responses, counts } = harness();
    const sent = await Promise.all(Array.from({ length: 5 }, () => openTarget()));

    const answers = await receive.execute(sent.map((target, index) => sms(target.phone, String((index % 3) + 1))));

    expect(answers.every((answer) => answer.kind === 'code' && !answer.duplicate)).toBe(true);
    expect(targets.lookups).toHaveLength(1);
    expect(counts).toEqual({ transactions: 1, rolledBack: 0, outboxAdds: 1 });
    expect(responses.locked).toEqual([sent.map((target) => target.eventId).sort()]);
    expect(inboundSms.adds).toBe(1);
  });

  it('answers an empty list with nothing, touching nothing', async () => {
    const { receive, counts } = harness();
    expect(await receive.execute([])).toEqual([]);
    expect(counts.transactions).toBe(0);
  });
});
