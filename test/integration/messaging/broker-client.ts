import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '@appointments/testing';
import * as amqp from 'amqplib';
import { DomainEventEnvelope, parseDomainEvents } from '@appointments/messaging';

/**
 * The test's own view of RabbitMQ, outside the service under test: publishes raw messages
 * (as a misbehaving producer would) and reads queues such as the dead-letter queue.
 */
export class BrokerClient {
  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<BrokerClient> {
    const connection = await amqp.connect(url);
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return new BrokerClient(connection, channel);
  }

  async publish(exchange: string, routingKey: string, content: Buffer | string, options: amqp.Options.Publish = {}) {
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    this.channel.publish(exchange, routingKey, body, { persistent: true, ...options });
    await this.channel.waitForConfirms();
  }

  /** Publishes the messages back to back and waits for the broker to confirm them all. */
  async publishAll(messages: { exchange: string; routingKey: string; content: string; options?: amqp.Options.Publish }[]) {
    for (const { exchange, routingKey, content, options } of messages)
      this.channel.publish(exchange, routingKey, Buffer.from(content), { persistent: true, ...options });
    await this.channel.waitForConfirms();
  }

  /** Takes every message currently in `queue` (acknowledging them). */
  async take(queue: string): Promise<amqp.GetMessage[]> {
    const taken: amqp.GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) return taken;
      taken.push(message);
    }
  }

  /** Takes every message currently in `queue` and returns the domain events in them (a pack holds several). */
  async takeEvents<P = unknown>(queue: string): Promise<DomainEventEnvelope<P>[]> {
    return (await this.take(queue)).flatMap((message) =>
      parseDomainEvents(message.content).map((event) => event.envelope as DomainEventEnvelope<P>),
    );
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** A queue that receives a copy of every domain event; gone when this client disconnects. */
  async observe(exchange: string, routingKey: string): Promise<string> {
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await this.channel.bindQueue(queue, exchange, routingKey);
    return queue;
  }

  /** Whether the queue exists (asked on a channel of its own: a missing queue closes the channel that asks). */
  async queueExists(queue: string): Promise<boolean> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(queue);
      return true;
    } catch {
      return false;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Deletes a queue, as an operator would: the broker cancels its consumers. */
  async deleteQueue(queue: string) {
    await this.channel.deleteQueue(queue);
  }

  async close() {
    await this.connection.close().catch(() => undefined);
  }
}

const run = promisify(execFile);

/** Stops and starts the RabbitMQ application on the local node (the Erlang VM stays up). */
export const rabbitmq = {
  async stopApp() {
    await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
  },
  async startApp() {
    await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
  },
  /** Messages on a queue, ready or delivered and not yet acknowledged. */
  async messagesOn(queue: string): Promise<number> {
    const { stdout } = await run('rabbitmqctl', ['list_queues', '--quiet', '--no-table-headers', 'name', 'messages'], {
      timeout: 30_000,
    });
    const line = stdout.split('\n').find((row) => row.split('\t')[0] === queue);
    if (!line) throw new Error(`queue ${queue} not found`);
    return Number(line.split('\t')[1]);
  },
  /** The broker's view of its channels: which connection each is on, whether it is in confirm mode, its consumers. */
  async channels(): Promise<{ pid: string; connection: string; confirm: boolean; consumers: number }[]> {
    return (await listing(['list_channels', 'pid', 'connection', 'confirm', 'consumer_count'])).map(
      ([pid, connection, confirm, consumers]) => ({
        pid,
        connection,
        confirm: confirm === 'true',
        consumers: Number(consumers),
      }),
    );
  },
  /** The channel each queue's consumers are on. */
  async consumerChannels(): Promise<{ queue: string; channel: string }[]> {
    return (await listing(['list_consumers', 'queue_name', 'channel_pid'])).map(([queue, channel]) => ({ queue, channel }));
  },
  /** The connections and the name each client gave its own (`connection_name`). */
  async connections(): Promise<{ pid: string; name: string | null }[]> {
    return (await listing(['list_connections', 'pid', 'client_properties'])).map(([pid, properties]) => ({
      pid,
      name: /\{"connection_name","([^"]*)"\}/.exec(properties)?.[1] ?? null,
    }));
  },
  /** Resolves once the broker accepts AMQP connections again. */
  async waitUntilAccepting(url: string, timeoutMs = 60_000) {
    await eventually(
      async () => {
        const connection = await amqp.connect(url);
        await connection.close();
        return true;
      },
      (accepted) => accepted,
      { timeoutMs, intervalMs: 250, what: 'RabbitMQ to accept connections' },
    );
  },
};

/** The rows of a `rabbitmqctl list_*` command, split into their tab-separated fields. */
async function listing(args: string[]): Promise<string[][]> {
  const { stdout } = await run('rabbitmqctl', [...args, '--no-table-headers'], { timeout: 30_000 });
  return stdout
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => line.split('\t'));
}
