import { AmqpConnection, OutboxRelay, parseDomainEvents } from '@appointments/messaging';
import { createLogger } from '@appointments/observability';
import { eventually } from '@appointments/testing';
import { DataSource } from 'typeorm';
import { BrokerClient } from './broker-client';
import { PROBE_SCHEMA, ProbeService } from './probe-app';

jest.setTimeout(60_000);

describe('several outbox relays on one schema', () => {
  let probe: ProbeService;
  let broker: BrokerClient;
  let secondDataSource: DataSource;
  let secondConnection: AmqpConnection;
  let secondRelay: OutboxRelay;

  beforeAll(async () => {
    probe = await ProbeService.start('msg_relays');
    broker = await BrokerClient.connect(probe.amqpUrl);
    // A second replica's relay: its own pool and its own broker connection, same schema.
    const logger = createLogger('test-relay-2', 'warn');
    secondDataSource = await new DataSource({ type: 'postgres', url: probe.environment.databaseUrl, extra: { max: 4 } }).initialize();
    secondConnection = new AmqpConnection(probe.amqpUrl, 'probe#relay-2', logger);
    secondConnection.start();
    await secondConnection.waitUntilConnected(10_000);
    secondRelay = new OutboxRelay(
      secondDataSource,
      secondConnection,
      { schema: PROBE_SCHEMA, exchange: probe.names.exchange, databaseUrl: probe.environment.databaseUrl, pollMs: 200, batchSize: 25 },
      logger,
    );
    secondRelay.start();
  });

  afterAll(async () => {
    await secondRelay?.stop();
    await secondConnection?.close();
    await secondDataSource?.destroy();
    await broker?.close();
    await probe?.stop();
  });

  it('publishes 400 events (200 messages: lone events and packs) between two relays with each one published once and handled once', async () => {
    const published = await broker.observe(probe.names.exchange, 'ProbeHappened');
    const byFirst = jest.spyOn(probe.connection, 'publish');
    const bySecond = jest.spyOn(secondConnection, 'publish');
    const ids: string[] = [];
    // Many small transactions, so both relays are woken again and again while the other is busy:
    // one event alone (a message of its own) or three (one pack), by turns.
    for (let batch = 0; batch < 200; batch++) {
      ids.push(
        ...(await probe.commitEvents(Array.from({ length: batch % 2 ? 3 : 1 }, (_, index) => ({ note: `event ${batch}.${index}` })))),
      );
    }
    expect(ids).toHaveLength(400);

    const counts = await eventually(
      () => probe.effectCounts(),
      (seen) => ids.every((id) => seen.has(id)),
      { timeoutMs: 30_000, intervalMs: 100, what: '400 events handled' },
    );
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(counts.size).toBe(400);

    const copies = new Map<string, number>();
    await eventually(
      async () => {
        for (const message of await broker.take(published)) {
          for (const { envelope } of parseDomainEvents(message.content)) copies.set(envelope!.id, (copies.get(envelope!.id) ?? 0) + 1);
        }
        return copies.size;
      },
      (size) => size === 400,
      { what: 'a copy of every published event' },
    );
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect(await probe.unpublishedCount()).toBe(0);
    // Both relays took a share, and between them published each row once.
    expect(byFirst.mock.calls.length).toBeGreaterThan(0);
    expect(bySecond.mock.calls.length).toBeGreaterThan(0);
    expect(byFirst.mock.calls.length + bySecond.mock.calls.length).toBe(200);
  });
});
