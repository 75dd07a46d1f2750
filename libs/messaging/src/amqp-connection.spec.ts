import { EventEmitter } from 'node:events';
import * as amqp from 'amqplib';
import type { Logger } from 'pino';
import { AmqpConnection, BrokerUnavailable, MessageReturned } from './amqp-connection';

jest.mock('amqplib', () => ({ connect: jest.fn() }));

/** A confirm channel that keeps each publish's confirm callback for the test to answer. */
class FakeConfirmChannel extends EventEmitter {
  readonly published: { routingKey: string; content: Buffer; options: amqp.Options.Publish; confirm: (error: unknown) => void }[] = [];
  publish(_exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish, confirm: (error: unknown) => void) {
    this.published.push({ routingKey, content, options, confirm });
    return true;
  }
  /** The broker returns a message it could not route (basic.return comes before the message's ack). */
  returnMessage(index: number) {
    const { routingKey, content, options } = this.published[index];
    this.emit('return', {
      content,
      fields: { exchange: '', routingKey, replyCode: 312, replyText: 'NO_ROUTE' },
      properties: { messageId: options.messageId },
    });
  }
}

class FakeConnection extends EventEmitter {
  readonly channel = new FakeConfirmChannel();
  createConfirmChannel = jest.fn(async () => this.channel);
  createChannel = jest.fn(async () => new EventEmitter());
  close = jest.fn(async () => undefined);
}

function fakeLogger() {
  return { info: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() } as unknown as Logger & Record<'info' | 'warn', jest.Mock>;
}

describe('AmqpConnection.publish', () => {
  let broker: FakeConnection;
  let logger: ReturnType<typeof fakeLogger>;
  let connection: AmqpConnection;

  const connect = async (options: { publishTimeoutMs?: number } = {}) => {
    connection = new AmqpConnection('amqp://broker', 'test#1', logger, options);
    connection.start();
    await connection.waitUntilConnected(1000);
  };
  /** Resolves once the connection has handed `count` messages to the channel. */
  const handedOver = async (count: number) => {
    while (broker.channel.published.length < count) await new Promise((resolve) => setImmediate(resolve));
  };

  beforeEach(() => {
    broker = new FakeConnection();
    logger = fakeLogger();
    jest.mocked(amqp.connect).mockResolvedValue(broker as unknown as amqp.ChannelModel);
  });

  afterEach(async () => {
    await connection?.close();
  });

  it('resolves once the broker confirms the message', async () => {
    await connect();
    const published = connection.publish('domain-events', 'EventBooked', Buffer.from('{}'));
    await handedOver(1);
    broker.channel.published[0].confirm(null);
    await expect(published).resolves.toBeUndefined();
  });

  it('fails when the broker does not confirm within the publish timeout', async () => {
    await connect({ publishTimeoutMs: 30 });
    await expect(connection.publish('domain-events', 'EventBooked', Buffer.from('{}'))).rejects.toThrow(
      new BrokerUnavailable('the broker did not confirm the message within 30 ms'),
    );
    expect(broker.channel.published).toHaveLength(1);
  });

  it('fails when the broker nacks the message', async () => {
    await connect();
    const published = connection.publish('domain-events', 'EventBooked', Buffer.from('{}'));
    await handedOver(1);
    broker.channel.published[0].confirm(new Error('nack'));
    await expect(published).rejects.toBeInstanceOf(BrokerUnavailable);
  });

  it('fails a mandatory message the broker returns as unroutable, and only that one', async () => {
    await connect();
    const routed = connection.publish('', 'probe.events.retry.1', Buffer.from('{"id":"a"}'), { mandatory: true, messageId: 'a' });
    const returned = connection.publish('', 'probe.events.retry.1', Buffer.from('{"id":"b"}'), { mandatory: true, messageId: 'b' });
    await handedOver(2);
    broker.channel.returnMessage(1);
    broker.channel.published[1].confirm(null); // a returned message is still acked
    broker.channel.published[0].confirm(null);
    await expect(routed).resolves.toBeUndefined();
    await expect(returned).rejects.toThrow(MessageReturned);
    await expect(returned).rejects.toThrow('the broker could not route the message to queue probe.events.retry.1 (NO_ROUTE)');
  });

  it('fails at once while the broker blocks publishers, logs the block once, and publishes again once it unblocks', async () => {
    await connect();
    broker.emit('blocked', 'low on memory');
    broker.emit('blocked', 'low on memory');
    expect(connection.isBlocked).toBe(true);

    await expect(connection.publish('domain-events', 'EventBooked', Buffer.from('{}'))).rejects.toThrow(
      new BrokerUnavailable('RabbitMQ blocks publishers (low on memory)'),
    );
    expect(broker.channel.published).toHaveLength(0);
    const blockWarnings = logger.warn.mock.calls.filter(([, message]) => String(message).includes('blocks publishers'));
    expect(blockWarnings).toEqual([[{ connection: 'test#1', reason: 'low on memory' }, expect.any(String)]]);

    const unblocked = jest.fn();
    connection.on('unblocked', unblocked);
    broker.emit('unblocked');
    expect(connection.isBlocked).toBe(false);
    expect(unblocked).toHaveBeenCalledTimes(1);
    const published = connection.publish('domain-events', 'EventBooked', Buffer.from('{}'));
    await handedOver(1);
    broker.channel.published[0].confirm(null);
    await expect(published).resolves.toBeUndefined();
  });

  it('publishes on a channel of its own, never one a consumer gets', async () => {
    await connect();
    const published = connection.publish('domain-events', 'EventBooked', Buffer.from('{}'));
    await handedOver(1);
    broker.channel.published[0].confirm(null);
    await published;
    const consumerChannel = await connection.createChannel();
    expect(consumerChannel).not.toBe(broker.channel);
    expect(broker.createConfirmChannel).toHaveBeenCalledTimes(1);
  });
});
