import { randomUUID } from 'node:crypto';
import { BrokerUnavailable, stampDomainEvent } from '@appointments/messaging';
import { eventually } from '@appointments/testing';
import type { GetMessage } from 'amqplib';
import { BrokerClient, rabbitmq } from './broker-client';
import { PROBE_RETRY_DELAYS_MS, ProbeHappened, ProbeService } from './probe-app';
import { ServiceConfig } from '@appointments/config';

jest.setTimeout(60_000);

describe('failed messages: retries and the dead-letter queue', () => {
  let probe: ProbeService;
  let broker: BrokerClient;
  let deadLetterQueue: string;
  /** Dead letters taken off the queue so far, by message id. */
  const parked = new Map<string, GetMessage>();

  const deadLetter = (messageId: string) =>
    eventually(
      async () => {
        for (const message of await broker.take(deadLetterQueue)) parked.set(String(message.properties.messageId), message);
        return parked.get(messageId);
      },
      (message) => message !== undefined,
      { what: `message ${messageId} in the dead-letter queue` },
    ) as Promise<GetMessage>;

  const publishEvent = async (payload: ProbeHappened) => {
    const envelope = stampDomainEvent({ type: 'ProbeHappened', payload }, 'test');
    await broker.publish(probe.names.exchange, 'ProbeHappened', JSON.stringify(envelope), { messageId: envelope.id });
    return envelope.id;
  };

  const handled = (id: string) =>
    eventually(
      () => probe.effectCounts(),
      (counts) => counts.get(id) === 1,
      { what: `event ${id} handled` },
    );

  beforeAll(async () => {
    probe = await ProbeService.start('msg_dlq');
    broker = await BrokerClient.connect(probe.amqpUrl);
    deadLetterQueue = probe.names.deadLetterQueue('probe');
  });

  afterAll(async () => {
    await broker?.close();
    await probe?.stop();
  });

  it('dead-letters a message whose body is not JSON, with its error, and handles the next message', async () => {
    const poisonId = randomUUID();
    await broker.publish(probe.names.exchange, 'ProbeHappened', 'this is not json {', { messageId: poisonId });
    const nextId = await publishEvent({ note: 'after the unreadable one' });

    const message = await deadLetter(poisonId);
    expect(deadLetterQueue).toBe(`${probe.environment.amqpNamespace}probe.events.dead-letter`);
    expect(message.content.toString()).toBe('this is not json {');
    expect(message.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'rejected',
      'x-error-code': 'invalid_input',
      'x-error-message': 'message body is not JSON',
      'x-original-exchange': probe.names.exchange,
      'x-original-routing-key': 'ProbeHappened',
      'x-consumer': 'probe',
    });
    await handled(nextId);
  });

  it('dead-letters a malformed envelope (no id) and handles the next message', async () => {
    const malformedId = randomUUID();
    const malformed = { type: 'ProbeHappened', occurredAt: new Date().toISOString(), payload: { note: 'no id' } };
    await broker.publish(probe.names.exchange, 'ProbeHappened', JSON.stringify(malformed), { messageId: malformedId });
    const nextId = await publishEvent({ note: 'after the malformed one' });

    const message = await deadLetter(malformedId);
    expect(message.properties.headers?.['x-error-message']).toBe('domain event has no id');
    expect(message.properties.headers?.['x-dead-letter-reason']).toBe('rejected');
    await handled(nextId);
  });

  it('dead-letters at once a message the handler refuses with invalid_input', async () => {
    const refusedId = await publishEvent({ note: 'refuse me', fail: 'invalid_input' });

    const message = await deadLetter(refusedId);
    expect(message.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'rejected',
      'x-error-code': 'invalid_input',
      'x-error-message': 'the probe refuses "refuse me"',
    });
    expect(message.properties.headers?.['x-attempt']).toBeUndefined();
    expect(probe.handlerRuns.of(refusedId)).toBe(1);
  });

  it('in a batch, rolls back only the failing message (its own savepoint) and commits the others', async () => {
    const good = (label: number) => ({ note: `batch ${label}` });
    const ids: string[] = [];
    // Published back to back, so they reach the consumer together and share a transaction.
    for (let index = 0; index < 12; index++) ids.push(await publishEvent(good(index)));
    const failingId = await publishEvent({ note: 'batch refuses after writing', fail: 'after_effect' });
    for (let index = 12; index < 24; index++) ids.push(await publishEvent(good(index)));

    const message = await deadLetter(failingId);
    expect(message.properties.headers).toMatchObject({ 'x-dead-letter-reason': 'rejected', 'x-error-code': 'invalid_input' });
    const counts = await eventually(
      () => probe.effectCounts(),
      (c) => ids.every((id) => c.get(id) === 1),
      { what: 'the 24 good events handled' },
    );
    expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
    expect(counts.get(failingId)).toBeUndefined();
  });

  it('gives a batch handler the messages that arrived together; one poison message is retried alone and dead-lettered, the rest commit once', async () => {
    const batched = (payload: ProbeHappened) => {
      const envelope = stampDomainEvent({ type: 'ProbeBatched', payload }, 'test');
      return {
        exchange: probe.names.exchange,
        routingKey: 'ProbeBatched',
        content: JSON.stringify(envelope),
        options: { messageId: envelope.id },
      };
    };
    const callsBefore = probe.handlerRuns.batches.length;
    // Occupy every batch slot of the consumer, so the messages below wait in its buffer and
    // are taken together when the slots free up (rather than one by one as they arrive).
    for (let slot = 1; slot <= probe.app.get(ServiceConfig).AMQP_CONCURRENT_BATCHES; slot++) {
      await publishEvent({ note: `holds slot ${slot}`, hold: true });
      await eventually(
        async () => probe.handlerRuns.holding,
        (holding) => holding === slot,
        { what: `batch slot ${slot} held` },
      );
    }
    const messages = Array.from({ length: 40 }, (_, index) => batched({ note: `batched ${index}` }));
    messages.splice(20, 0, batched({ note: 'batched, refuses after writing', fail: 'after_effect' }));
    await broker.publishAll(messages);
    const queue = probe.names.eventQueue('probe');
    await eventually(
      () => broker.messageCount(queue),
      (ready) => ready === 0,
      { what: 'every message delivered to the held consumer' },
    );
    probe.handlerRuns.release();
    const ids = messages.map((message) => String(message.options.messageId));
    const failingId = ids.splice(20, 1)[0];

    const message = await deadLetter(failingId);
    expect(message.properties.headers).toMatchObject({ 'x-dead-letter-reason': 'rejected', 'x-error-code': 'invalid_input' });
    const counts = await eventually(
      () => probe.effectCounts(),
      (c) => ids.every((id) => c.get(id) === 1),
      { what: 'the 40 good events handled' },
    );
    expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
    expect(counts.get(failingId)).toBeUndefined();
    // Batched for real: some call took more than one message.
    const calls = probe.handlerRuns.batches.slice(callsBefore);
    expect(Math.max(...calls.map((ids) => ids.length))).toBeGreaterThan(1);
    // However it arrived (inside a batch that then rolled back, or alone), the poison message ended in a call of its own;
    // the good ones above committed once however often they ran.
    expect(calls).toContainEqual([failingId]);
  });

  it('unpacks a pack of events: each is applied once, a failing one and an unreadable one are dead-lettered alone, the pack is acknowledged', async () => {
    const stamp = (type: string, payload: ProbeHappened) => stampDomainEvent({ type, payload }, 'test');
    const queue = probe.names.eventQueue('probe');
    // A pack of the batch handler's type, and one of the single-message handler's type.
    const batched = Array.from({ length: 9 }, (_, index) => stamp('ProbeBatched', { note: `packed batch ${index}` }));
    const failingBatched = stamp('ProbeBatched', { note: 'packed, refuses after writing', fail: 'after_effect' });
    const singles = Array.from({ length: 5 }, (_, index) => stamp('ProbeHappened', { note: `packed single ${index}` }));
    const failingSingle = stamp('ProbeHappened', { note: 'packed single refuses', fail: 'invalid_input' });
    const unreadable = { type: 'ProbeHappened', payload: { note: 'no id' }, correlationId: 'corr-unreadable' };
    const batchPack = [...batched.slice(0, 4), { ...failingBatched, correlationId: 'corr-failing' }, ...batched.slice(4)];
    const singlePack = [singles[0], singles[1], failingSingle, unreadable, ...singles.slice(2)];
    await broker.publishAll([
      {
        exchange: probe.names.exchange,
        routingKey: 'ProbeBatched',
        content: JSON.stringify(batchPack),
        options: { messageId: 'pack-1', headers: { 'x-domain-events': batchPack.length } },
      },
      {
        exchange: probe.names.exchange,
        routingKey: 'ProbeHappened',
        content: JSON.stringify(singlePack),
        options: { messageId: 'pack-2' },
      },
    ]);

    const goodIds = [...batched, ...singles].map((event) => event.id);
    const counts = await eventually(
      () => probe.effectCounts(),
      (c) => goodIds.every((id) => c.get(id) === 1),
      { what: 'the 14 good packed events handled' },
    );
    expect(goodIds.map((id) => counts.get(id))).toEqual(goodIds.map(() => 1));
    expect(counts.get(failingBatched.id)).toBeUndefined();
    expect(counts.get(failingSingle.id)).toBeUndefined();

    // Each failure is parked as a message of its own: its envelope, its id, its correlation id, no pack header.
    const parkedBatched = await deadLetter(failingBatched.id);
    expect(JSON.parse(parkedBatched.content.toString())).toMatchObject({
      id: failingBatched.id,
      payload: { note: 'packed, refuses after writing' },
    });
    expect(parkedBatched.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'rejected',
      'x-correlation-id': 'corr-failing',
      'x-original-routing-key': 'ProbeBatched',
    });
    expect(parkedBatched.properties.headers).not.toHaveProperty('x-domain-events');
    const parkedSingle = await deadLetter(failingSingle.id);
    expect(JSON.parse(parkedSingle.content.toString()).id).toBe(failingSingle.id);
    const parkedUnreadable = await eventually(
      async () => {
        for (const message of await broker.take(deadLetterQueue)) parked.set(String(message.properties.messageId), message);
        return [...parked.values()].find((message) => message.content.toString().includes('corr-unreadable'));
      },
      (message) => message !== undefined,
      { what: 'the unreadable packed event in the dead-letter queue' },
    );
    expect(parkedUnreadable!.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'rejected',
      'x-error-message': 'domain event has no id',
    });

    // Both packs acknowledged: nothing waits on the queue or unacknowledged with the consumer.
    await eventually(
      () => rabbitmq.messagesOn(queue),
      (messages) => messages === 0,
      { what: 'both packs acknowledged' },
    );
    // A redelivery of a whole pack (a crash before its ack) changes nothing.
    await broker.publish(probe.names.exchange, 'ProbeBatched', JSON.stringify(batched), { messageId: 'pack-1-again' });
    await eventually(
      () => rabbitmq.messagesOn(queue),
      (messages) => messages === 0,
      { what: 'the repeated pack acknowledged' },
    );
    const after = await probe.effectCounts();
    expect(batched.map((event) => after.get(event.id))).toEqual(batched.map(() => 1));
  });

  it('retries a transiently failing message once per configured delay, then dead-letters it as retries-exhausted', async () => {
    const failingId = await publishEvent({ note: 'always fails', fail: 'transient' });

    const message = await deadLetter(failingId);
    expect(message.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'retries-exhausted',
      'x-error-code': 'internal',
      'x-error-message': 'the probe store is unavailable',
      'x-attempt': PROBE_RETRY_DELAYS_MS.length,
      'x-original-exchange': probe.names.exchange,
      'x-original-routing-key': 'ProbeHappened',
    });
    expect(probe.handlerRuns.of(failingId)).toBe(1 + PROBE_RETRY_DELAYS_MS.length);
    expect((await probe.effectCounts()).get(failingId)).toBeUndefined();
  });

  it('puts a failed message back on its queue when its retry cannot be published, and tries it again: nothing is lost', async () => {
    // The broker refuses the first retry publish (as when it blocks publishers or the channel
    // drops at that moment): the message is neither acknowledged nor lost, but requeued.
    const retryQueue = probe.names.retryQueue('probe', 1);
    const publish = probe.connection.publish.bind(probe.connection);
    let refused = 0;
    const spy = jest.spyOn(probe.connection, 'publish').mockImplementation(async (exchange, routingKey, content, options) => {
      if (routingKey === retryQueue && refused === 0) {
        refused += 1;
        throw new BrokerUnavailable('the broker did not confirm the message (injected)');
      }
      return publish(exchange, routingKey, content, options);
    });
    try {
      const failingId = await publishEvent({ note: 'fails, and its first retry cannot be published', fail: 'transient' });
      const message = await deadLetter(failingId);
      expect(refused).toBe(1);
      // Once more than the retries: the requeued delivery ran the handler again before the retries did.
      expect(probe.handlerRuns.of(failingId)).toBe(1 + 1 + PROBE_RETRY_DELAYS_MS.length);
      expect(message.properties.headers).toMatchObject({
        'x-dead-letter-reason': 'retries-exhausted',
        'x-attempt': PROBE_RETRY_DELAYS_MS.length,
      });
    } finally {
      spy.mockRestore();
    }
  });

  // The copy a failed message leaves behind goes to a queue through the default exchange; if that
  // queue is gone (an operator deleted it), the broker drops the copy and still confirms it, unless
  // it is published `mandatory`: then it comes back (basic.return) and the original must stay.
  it.each([
    {
      target: 'its first retry queue',
      fail: 'transient' as const,
      queue: () => probe.names.retryQueue('probe', 1),
      reason: 'retries-exhausted',
    },
    { target: 'the dead-letter queue', fail: 'invalid_input' as const, queue: () => deadLetterQueue, reason: 'rejected' },
  ])(
    'keeps a failed message whose copy the broker cannot route ($target is missing): requeued, the queue declared again, then parked as usual',
    async ({ fail, queue, reason }) => {
      await broker.deleteQueue(queue());
      expect(await broker.queueExists(queue())).toBe(false);
      const failingId = await publishEvent({ note: `fails while ${queue()} is missing`, fail });

      // The original came back to the handler: its copy was returned, so it was not acknowledged.
      await eventually(
        () => probe.handlerRuns.of(failingId),
        (runs) => runs >= 2,
        { what: `message ${failingId} redelivered` },
      );
      await eventually(
        () => broker.queueExists(queue()),
        (exists) => exists,
        { what: `${queue()} declared again by the consumer` },
      );
      const message = await deadLetter(failingId);
      expect(message.properties.headers).toMatchObject({ 'x-dead-letter-reason': reason, 'x-original-routing-key': 'ProbeHappened' });
      const usualRuns = fail === 'transient' ? 1 + PROBE_RETRY_DELAYS_MS.length : 1;
      expect(probe.handlerRuns.of(failingId)).toBeGreaterThan(usualRuns);
      expect((await probe.effectCounts()).get(failingId)).toBeUndefined();
    },
  );

  it('keeps consuming after all of that, in the same process', async () => {
    const ids = [await publishEvent({ note: 'still alive 1' }), await publishEvent({ note: 'still alive 2' })];
    for (const id of ids) await handled(id);
    expect(probe.connection.isConnected).toBe(true);
    expect(await broker.messageCount(deadLetterQueue)).toBe(0);
  });
});
