import { eventually } from '@appointments/testing';
import { BrokerClient } from './broker-client';
import { PROBE_SERVICE, ProbeService } from './probe-app';

jest.setTimeout(60_000);

/**
 * A consumer can go while the connection stays up: the broker cancels it when its queue is
 * deleted, and closes its channel on a channel error. The service must not stay healthy and
 * deaf (requests returned as "not running", events piling up): it sets its connection up again.
 */
describe('a consumer the broker cancels', () => {
  let probe: ProbeService;
  let broker: BrokerClient;
  /** How many times the probe's connection has been set up (every setup run) since the start. */
  let setUps = 0;

  beforeAll(async () => {
    // Quiet: the consumer lost and the reconnect are logged as errors, and are the point here.
    probe = await ProbeService.start('msg_recovery', { LOG_LEVEL: 'fatal' });
    probe.connection.on('connected', () => setUps++);
    broker = await BrokerClient.connect(probe.amqpUrl);
  });

  /** Resolves once the probe's connection has been set up again after `before` set-ups. */
  const setUpAgain = (before: number) =>
    eventually(
      () => setUps,
      (count) => count > before && probe.connection.isReady,
      { timeoutMs: 20_000, what: 'the connection set up again' },
    );

  afterAll(async () => {
    await broker?.close();
    await probe?.stop();
  });

  it('answers requests again after its request queue was deleted', async () => {
    await expect(probe.rpc.request(PROBE_SERVICE, 'probe.echo', { text: 'before' })).resolves.toEqual({ echoed: 'before' });
    const before = setUps;
    await broker.deleteQueue(probe.names.rpcQueue(PROBE_SERVICE));

    await setUpAgain(before);
    await expect(probe.rpc.request(PROBE_SERVICE, 'probe.echo', { text: 'after' })).resolves.toEqual({ echoed: 'after' });
  });

  it('handles domain events again after its event queue was deleted', async () => {
    const before = setUps;
    await broker.deleteQueue(probe.names.eventQueue(PROBE_SERVICE));

    // Set up again: the queue declared and bound anew, so events committed from now on reach it.
    await setUpAgain(before);
    const ids = await probe.commitEvents([{ note: 'after the queue was deleted' }, { note: 'and another' }]);
    const counts = await eventually(
      () => probe.effectCounts(),
      (seen) => ids.every((id) => seen.has(id)),
      { timeoutMs: 20_000, intervalMs: 200, what: 'the events handled after the recovery' },
    );
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1]);
  });
});
