import { randomUUID } from 'node:crypto';
import { DomainEventOutbox, stampDomainEvent } from '@appointments/messaging';
import { eventually } from '@appointments/testing';
import { BrokerClient, rabbitmq } from './broker-client';
import { ProbeService } from './probe-app';

jest.setTimeout(60_000);

describe('transactional outbox and idempotent consumer', () => {
  let probe: ProbeService;
  let broker: BrokerClient;

  beforeAll(async () => {
    probe = await ProbeService.start('msg_outbox');
    broker = await BrokerClient.connect(probe.amqpUrl);
  });

  afterAll(async () => {
    await broker?.close();
    await probe?.stop();
  });

  it('publishes and handles an event whose transaction committed, and never one whose transaction rolled back', async () => {
    const outbox = probe.app.get(DomainEventOutbox);
    let rolledBackId: string | undefined;
    await expect(
      probe.dataSource.transaction(async (manager) => {
        const [envelope] = await outbox.add(manager, [{ type: 'ProbeHappened', payload: { note: 'rolled back' } }]);
        rolledBackId = envelope.id;
        throw new Error('the change failed after its event was recorded');
      }),
    ).rejects.toThrow('the change failed');

    const [committedId] = await probe.commitEvents([{ note: 'committed' }]);

    await eventually(() => probe.effectCounts(), (counts) => counts.get(committedId) === 1, { what: 'the committed event handled' });
    expect(rolledBackId).toBeDefined();
    const outboxRows: unknown[] = await probe.dataSource.query('SELECT 1 FROM probe.outbox WHERE id = $1', [rolledBackId]);
    expect(outboxRows).toHaveLength(0);
    expect(await probe.effectNotes()).toEqual(['committed']);
    expect(probe.handlerRuns.of(rolledBackId!)).toBe(0);
    expect(await probe.unpublishedCount()).toBe(0);
  });

  it('applies a domain event delivered twice (same id) once', async () => {
    const envelope = stampDomainEvent({ type: 'ProbeHappened', payload: { note: 'twice' }, id: randomUUID() }, 'test');
    const body = JSON.stringify(envelope);
    await broker.publish(probe.names.exchange, 'ProbeHappened', body, { messageId: envelope.id });
    await broker.publish(probe.names.exchange, 'ProbeHappened', body, { messageId: envelope.id });

    await eventually(() => probe.effectCounts(), (counts) => counts.get(envelope.id) === 1, { what: 'the event handled' });
    await eventually(() => rabbitmq.messagesOn(probe.names.eventQueue('probe')), (count) => count === 0, {
      what: 'both copies consumed and acknowledged',
      intervalMs: 200,
    });
    expect((await probe.effectCounts()).get(envelope.id)).toBe(1);
    expect(probe.handlerRuns.of(envelope.id)).toBe(1);
  });
});
