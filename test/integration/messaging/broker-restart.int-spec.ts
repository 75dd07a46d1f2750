import { eventually } from '@appointments/testing';
import { rabbitmq } from './broker-client';
import { ProbeService } from './probe-app';

jest.setTimeout(60_000);

/**
 * Stops and restarts the RabbitMQ application on the local node: other suites that use the
 * broker at the same moment lose their connections too. Run with --runInBand.
 */
describe('a broker restart in the middle of the flow', () => {
  let probe: ProbeService;

  beforeAll(async () => {
    // Batches of at most 10 slow messages (1.5 s each): several batches commit one after the
    // other, so the broker goes away mid-flow whatever the batching window (one batch of all
    // 120 would commit nothing for 18 s).
    probe = await ProbeService.start('msg_restart', { AMQP_PREFETCH: '10' });
  });

  afterAll(async () => {
    // Whatever happened in the test, leave a running broker behind.
    await rabbitmq.startApp().catch(() => undefined);
    await rabbitmq.waitUntilAccepting(probe?.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672');
    await probe?.stop();
  });

  it('handles every event exactly once after reconnecting, those in flight and those committed while the broker was down', async () => {
    // Slow handlers: when the broker goes, some effects are committing and their acks are lost.
    const inFlight = await probe.commitEvents(Array.from({ length: 120 }, (_, index) => ({ note: `in flight ${index}`, slowMs: 150 })));
    let whileDown: string[] = [];
    try {
      await eventually(
        () => probe.effectCounts(),
        (seen) => seen.size > 0,
        { what: 'the first events handled' },
      );
      await rabbitmq.stopApp();
      await eventually(
        () => probe.connection.isConnected,
        (connected) => !connected,
        { what: 'the service to notice' },
      );
      // Else the broker went away after the flow and this test would prove less than it says.
      expect((await probe.effectCounts()).size).toBeLessThan(inFlight.length);

      whileDown = await probe.commitEvents(Array.from({ length: 20 }, (_, index) => ({ note: `while down ${index}` })));
      expect((await probe.unpublished(whileDown)).sort()).toEqual([...whileDown].sort());
    } finally {
      await rabbitmq.startApp();
    }
    await rabbitmq.waitUntilAccepting(probe.amqpUrl);

    const all = [...inFlight, ...whileDown];
    const counts = await eventually(
      () => probe.effectCounts(),
      (seen) => all.every((id) => seen.has(id)),
      { timeoutMs: 40_000, intervalMs: 200, what: 'all events handled after the restart' },
    );
    expect(all.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(counts.size).toBe(all.length);
    await eventually(
      () => probe.unpublishedCount(),
      (backlog) => backlog === 0,
      { what: 'the outbox drained' },
    );
    expect(probe.connection.isConnected).toBe(true);
  });
});
