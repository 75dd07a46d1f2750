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

    await eventually(
      () => probe.effectCounts(),
      (counts) => counts.get(committedId) === 1,
      { what: 'the committed event handled' },
    );
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

    await eventually(
      () => probe.effectCounts(),
      (counts) => counts.get(envelope.id) === 1,
      { what: 'the event handled' },
    );
    await eventually(
      () => rabbitmq.messagesOn(probe.names.eventQueue('probe')),
      (count) => count === 0,
      {
        what: 'both copies consumed and acknowledged',
        intervalMs: 200,
      },
    );
    expect((await probe.effectCounts()).get(envelope.id)).toBe(1);
    expect(probe.handlerRuns.of(envelope.id)).toBe(1);
  });

  it('stores the events of one transaction as one message per type (a pack), and every event is handled once', async () => {
    const ids = await probe.commitEvents([{ note: 'pack 1' }, { note: 'pack 2' }, { note: 'pack 3' }]);
    const rows: { id: string; events: number; header: string }[] = await probe.dataSource.query(
      `SELECT id, jsonb_array_length(envelope) AS events, headers->>'x-domain-events' AS header
         FROM probe.outbox WHERE jsonb_typeof(envelope) = 'array' AND envelope @> $1::jsonb`,
      [JSON.stringify([{ id: ids[0] }])],
    );
    expect(rows).toEqual([{ id: expect.any(String), events: 3, header: '3' }]);
    expect(ids).not.toContain(rows[0].id);
    const counts = await eventually(
      () => probe.effectCounts(),
      (c) => ids.every((id) => c.get(id) === 1),
      { what: 'the three packed events handled' },
    );
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1, 1]);
  });

  it("keeps publishing after PostgreSQL cuts the relay's own connection", async () => {
    const cut: { pid: number }[] = await probe.dataSource.query(
      `SELECT pg_terminate_backend(pid) AS terminated, pid FROM pg_stat_activity
        WHERE application_name = 'outbox-relay' AND datname = current_database()`,
    );
    expect(cut.length).toBeGreaterThan(0);
    const [id] = await probe.commitEvents([{ note: 'after the cut' }]);
    await eventually(
      () => probe.effectCounts(),
      (counts) => counts.get(id) === 1,
      { what: 'the event committed after the cut handled', timeoutMs: 15_000 },
    );
    // A new relay connection is listening again.
    const listening: unknown[] = await probe.dataSource.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = 'outbox-relay' AND datname = current_database() AND NOT (pid = ANY($1::int[]))`,
      [cut.map((row) => row.pid)],
    );
    expect(listening.length).toBeGreaterThan(0);
    expect(await probe.unpublishedCount()).toBe(0);
  });
});
