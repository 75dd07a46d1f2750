import type { EventEmitter } from 'node:events';
import { stampDomainEvent } from '@appointments/messaging';
import { eventually } from '@appointments/testing';
import { BrokerClient } from './broker-client';
import { PROBE_RETRY_DELAYS_MS, PROBE_SCHEMA, ProbeService } from './probe-app';

jest.setTimeout(60_000);

/**
 * A slow or blocked broker. While the relay waits for the broker's confirms it holds no
 * database transaction: no snapshot that keeps vacuum from cleaning up, no row locks that
 * other sessions wait on. While the broker blocks publishers (a memory or disk alarm) the
 * service publishes nothing, and a failed message it cannot park stays in hand.
 */
describe('publishing while the broker is slow or blocks publishers', () => {
  let probe: ProbeService;
  let broker: BrokerClient;

  beforeAll(async () => {
    probe = await ProbeService.start('msg_relay_wait');
    broker = await BrokerClient.connect(probe.amqpUrl);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await broker?.close();
    await probe?.stop();
  });

  it('holds no transaction and no row lock; the rows are marked published once the broker confirms', async () => {
    const publish = probe.connection.publish.bind(probe.connection);
    let releaseBroker!: () => void;
    const brokerAnswers = new Promise<void>((resolve) => (releaseBroker = resolve));
    let waiting = 0;
    jest.spyOn(probe.connection, 'publish').mockImplementation(async (...args) => {
      waiting += 1;
      await brokerAnswers; // the broker is slow to confirm
      return publish(...args);
    });

    const [id] = await probe.commitEvents([{ note: 'published while the broker is slow' }]);
    await eventually(
      () => waiting,
      (count) => count > 0,
      { what: 'the relay waiting on the broker' },
    );

    const relaySessions: { state: string; xact_start: Date | null; backend_xmin: string | null }[] = await probe.dataSource.query(
      `SELECT state, xact_start, backend_xmin::text FROM pg_stat_activity WHERE application_name = 'outbox-relay' AND datname = current_database()`,
    );
    expect(relaySessions).toEqual([{ state: 'idle', xact_start: null, backend_xmin: null }]);
    // Another session can lock the row at once (NOWAIT fails on a row locked by the relay).
    await probe.dataSource.transaction(async (manager) => {
      const locked: unknown[] = await manager.query(`SELECT seq FROM ${PROBE_SCHEMA}.outbox WHERE published_at IS NULL FOR UPDATE NOWAIT`);
      expect(locked).toHaveLength(1);
    });
    expect(await probe.unpublished([id])).toEqual([id]);

    releaseBroker();
    await eventually(
      () => probe.effectCounts(),
      (counts) => counts.get(id) === 1,
      { what: 'the event handled' },
    );
    await eventually(
      () => probe.unpublishedCount(),
      (count) => count === 0,
      { what: 'the row marked published' },
    );
  });

  it('publishes nothing while the broker blocks publishers; a failed message stays in hand; both go on once it unblocks', async () => {
    // The broker's connection.blocked / connection.unblocked, as amqplib reports them on the
    // service's connection (a real alarm would block every other client of this shared broker).
    const amqpConnection = (probe.connection as unknown as { connection: EventEmitter }).connection;
    const publish = jest.spyOn(probe.connection, 'publish');
    amqpConnection.emit('blocked', 'low on memory (simulated)');
    try {
      const failing = stampDomainEvent({ type: 'ProbeHappened', payload: { note: 'fails while blocked', fail: 'transient' } }, 'test');
      await broker.publish(probe.names.exchange, 'ProbeHappened', JSON.stringify(failing), { messageId: failing.id });
      const [committedId] = await probe.commitEvents([{ note: 'committed while blocked' }]);
      await eventually(
        () => probe.handlerRuns.of(failing.id),
        (runs) => runs === 1,
        { what: 'the failing message handled once' },
      );
      // The block lasts several requeue delays (PROBE_RETRY_DELAYS_MS[0]) and relay polls.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(probe.handlerRuns.of(failing.id)).toBe(1); // kept in hand, not requeued again and again
      expect(await probe.unpublished([committedId])).toEqual([committedId]);
      expect(publish.mock.calls.filter(([exchange]) => exchange === probe.names.exchange)).toEqual([]); // the relay did not try
      amqpConnection.emit('unblocked');

      await eventually(
        () => probe.effectCounts(),
        (counts) => counts.get(committedId) === 1,
        { what: 'the committed event published and handled' },
      );
      const deadLetters = await eventually(
        () => broker.take(probe.names.deadLetterQueue('probe')),
        (messages) => messages.some((message) => message.properties.messageId === failing.id),
        { what: 'the failing message retried, then dead-lettered' },
      );
      expect(deadLetters.find((message) => message.properties.messageId === failing.id)?.properties.headers).toMatchObject({
        'x-dead-letter-reason': 'retries-exhausted',
        'x-attempt': PROBE_RETRY_DELAYS_MS.length,
      });
      // Once while blocked, once when it came back after the block, then once per retry.
      expect(probe.handlerRuns.of(failing.id)).toBe(1 + 1 + PROBE_RETRY_DELAYS_MS.length);
    } finally {
      amqpConnection.emit('unblocked');
    }
  });
});
