import { eventually } from '@appointments/testing';
import { rabbitmq } from './broker-client';
import { ProbeService } from './probe-app';

jest.setTimeout(60_000);

/**
 * Publishing and consuming do not share a channel: a publish the broker holds up (a confirm
 * that is slow to come, flow control) must not hold up the acks of the messages a consumer
 * has taken, and a channel error caused by a publish must not take a consumer with it.
 */
describe('channels of a service', () => {
  let probe: ProbeService;

  beforeAll(async () => {
    probe = await ProbeService.start('msg_channels');
  });

  afterAll(async () => {
    await probe?.stop();
  });

  it('publishes on a confirm channel of its own; its consumers are on other channels of the same connection', async () => {
    // Something published through the service (the relay, then the consumer's handling).
    const [id] = await probe.commitEvents([{ note: 'published and consumed' }]);
    await eventually(
      () => probe.effectCounts(),
      (counts) => counts.get(id) === 1,
      { what: 'the event handled' },
    );
    await probe.rpc.request('probe', 'probe.echo', { text: 'a reply is published too' });

    const [connections, consumers, channels] = await Promise.all([
      rabbitmq.connections(),
      rabbitmq.consumerChannels(),
      rabbitmq.channels(),
    ]);
    const service = connections.find((connection) => connection.name === `probe#${probe.env.SERVICE_INSTANCE ?? process.pid}`);
    expect(service).toBeDefined();
    const ofService = channels.filter((channel) => channel.connection === service!.pid);
    const publishing = ofService.filter((channel) => channel.confirm);
    expect(publishing).toHaveLength(1);
    expect(publishing[0].consumers).toBe(0);

    for (const queue of [probe.names.eventQueue('probe'), probe.names.rpcQueue('probe')]) {
      const consumer = consumers.find((entry) => entry.queue === queue);
      expect(consumer).toBeDefined();
      const channel = ofService.find((entry) => entry.pid === consumer!.channel);
      expect(channel).toMatchObject({ confirm: false });
      expect(channel!.pid).not.toBe(publishing[0].pid);
    }
  });
});
