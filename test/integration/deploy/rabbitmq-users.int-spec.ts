import { SCHEDULING_REQUEST, SERVICE } from '@appointments/contracts';
import { AmqpConnection, DomainEventFeed, MessagingNames, RpcClient } from '@appointments/messaging';
import { dropDatabase, ensureDatabase } from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import * as amqp from 'amqplib';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { InboundConfig } from '../../../apps/inbound-response/src/inbound.config';
import { InboundResponseModule } from '../../../apps/inbound-response/src/inbound-response.module';
import { DispatchConfig } from '../../../apps/notification-dispatch/src/dispatch.config';
import { NotificationDispatchModule } from '../../../apps/notification-dispatch/src/notification-dispatch.module';
import { ReminderConfig } from '../../../apps/reminder-scheduler/src/reminder.config';
import { ReminderSchedulerModule } from '../../../apps/reminder-scheduler/src/reminder-scheduler.module';
import { SchedulingConfig } from '../../../apps/scheduling/src/scheduling.config';
import { SchedulingModule } from '../../../apps/scheduling/src/scheduling.module';
import { startInProcess } from '../in-process-service';

jest.setTimeout(120_000);

/**
 * deploy/rabbitmq/provision-users.sh, against the real local broker (through rabbitmqctl, as
 * root, like the broker's container does): each service runs as its own user in a vhost of its
 * own, and that user can do what the service does and nothing to the other services' queues.
 * The vhost and users are this test's own, and removed at the end.
 */
const SCRIPT = join(__dirname, '../../../deploy/rabbitmq/provision-users.sh');
const PASSWORD_VARIABLES = {
  gateway: 'GATEWAY_AMQP_PASSWORD',
  scheduling: 'SCHEDULING_AMQP_PASSWORD',
  'notification-dispatch': 'DISPATCH_AMQP_PASSWORD',
  'inbound-response': 'INBOUND_AMQP_PASSWORD',
  'reminder-scheduler': 'REMINDERS_AMQP_PASSWORD',
} as const;
type Service = keyof typeof PASSWORD_VARIABLES;

describe('per-service RabbitMQ users (deploy/rabbitmq/provision-users.sh)', () => {
  const environment = isolatedEnvironment('amqp_users');
  const vhost = environment.runId;
  const userPrefix = `${environment.runId}-`;
  const names = new MessagingNames(environment.amqpNamespace);
  const passwordOf = (service: Service) => `password-of-${service}-0123456789`;
  const urlOf = (service: Service) =>
    `amqp://${encodeURIComponent(userPrefix + service)}:${encodeURIComponent(passwordOf(service))}@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
  const apps: NestFastifyApplication[] = [];
  const connections: AmqpConnection[] = [];
  const logger = pino({ level: 'silent' });

  const provision = (env: Record<string, string> = {}) =>
    execFileSync(SCRIPT, {
      env: {
        ...process.env,
        AMQP_VHOST: vhost,
        AMQP_NAMESPACE: environment.amqpNamespace,
        AMQP_USER_PREFIX: userPrefix,
        ...Object.fromEntries(Object.entries(PASSWORD_VARIABLES).map(([service, variable]) => [variable, passwordOf(service as Service)])),
        ...env,
      },
      stdio: 'pipe',
    });

  /** A plain connection as the service's user, for what its user may and may not do. */
  async function channelAs(service: Service): Promise<{ connection: amqp.ChannelModel; channel: amqp.Channel; closed: Promise<Error> }> {
    const connection = await amqp.connect(urlOf(service));
    const channel = await connection.createChannel();
    const closed = new Promise<Error>((resolve) => channel.on('error', resolve));
    return { connection, channel, closed };
  }

  async function refused(service: Service, operation: (channel: amqp.Channel) => unknown): Promise<void> {
    const { connection, channel, closed } = await channelAs(service);
    try {
      await Promise.resolve(operation(channel)).catch(() => undefined);
      const outcome = await Promise.race([
        closed,
        new Promise<string>((resolve) => setTimeout(() => resolve('not refused within 5 s'), 5_000)),
      ]);
      expect(String(outcome)).toMatch(/ACCESS_REFUSED/);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    provision();
    await ensureDatabase(environment.databaseUrl);
    // The four services with queues of their own, started as their main.ts starts them, each as its own user.
    const start = (service: Service, definition: Omit<Parameters<typeof startInProcess>[1], 'service'>) =>
      startInProcess(environment, { service, ...definition } as Parameters<typeof startInProcess>[1], { AMQP_URL: urlOf(service) });
    apps.push(
      await start(SERVICE.scheduling, {
        configClass: SchedulingConfig,
        module: (config) => SchedulingModule.register(config as SchedulingConfig),
      }),
    );
    apps.push(
      await start(SERVICE.notificationDispatch, {
        configClass: DispatchConfig,
        module: (config) => NotificationDispatchModule.register(config as DispatchConfig),
      }),
    );
    apps.push(
      await start(SERVICE.inboundResponse, {
        configClass: InboundConfig,
        module: (config) => InboundResponseModule.register(config as InboundConfig),
      }),
    );
    apps.push(
      await start(SERVICE.reminderScheduler, {
        configClass: ReminderConfig,
        module: (config) => ReminderSchedulerModule.register(config as ReminderConfig),
      }),
    );
  });

  afterAll(async () => {
    for (const connection of connections) await connection.close().catch(() => undefined);
    for (const app of apps) await app.close().catch(() => undefined);
    await dropDatabase(environment.databaseUrl).catch(() => undefined);
    // The vhost takes its exchanges and queues with it.
    execFileSync('rabbitmqctl', ['--quiet', 'delete_vhost', vhost], { stdio: 'pipe' });
    for (const service of Object.keys(PASSWORD_VARIABLES))
      execFileSync('rabbitmqctl', ['--quiet', 'delete_user', userPrefix + service], { stdio: 'pipe' });
  });

  it('refuses a missing or short password, naming the variable', () => {
    let failure: { status?: number; stderr?: Buffer } = {};
    try {
      provision({ INBOUND_AMQP_PASSWORD: 'short' });
    } catch (error) {
      failure = error as typeof failure;
    }
    expect(failure.status).toBe(64);
    expect(String(failure.stderr)).toBe('INBOUND_AMQP_PASSWORD must be set to a password of 16 characters or more\n');
  });

  it('each service declared its queues, bound them and consumes them as its own user', async () => {
    const { connection, channel } = await channelAs('scheduling');
    try {
      for (const service of [SERVICE.scheduling, SERVICE.notificationDispatch, SERVICE.inboundResponse, SERVICE.reminderScheduler]) {
        // Passive declarations need no permission: they show the queues exist, with their consumers.
        const events = await channel.checkQueue(names.eventQueue(service));
        expect({ service, consumers: events.consumerCount }).toEqual({ service, consumers: 1 });
        await channel.checkQueue(names.deadLetterQueue(service));
      }
    } finally {
      await connection.close();
    }
  });

  it("the gateway's user asks scheduling over RPC (direct reply-to) and follows the domain events (a server-named queue)", async () => {
    const connection = new AmqpConnection(urlOf('gateway'), 'gateway-probe', logger);
    connections.push(connection);
    const rpc = new RpcClient(connection, names, 5_000, logger);
    const feed = new DomainEventFeed(connection, names, logger);
    feed.listen({ types: ['CustomerCreated'], onEvent: () => undefined, onGap: () => undefined });
    await feed.start();
    connection.start();
    await connection.waitUntilConnected(15_000);
    await expect(rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.listCustomers, {})).resolves.toEqual([]);
  });

  it("a service's user cannot read, purge, delete or bind another service's queues", async () => {
    const other = names.eventQueue(SERVICE.notificationDispatch);
    await refused('scheduling', (channel) => channel.consume(other, () => undefined));
    await refused('scheduling', (channel) => channel.get(names.deadLetterQueue(SERVICE.notificationDispatch)));
    await refused('scheduling', (channel) => channel.purgeQueue(other));
    await refused('scheduling', (channel) => channel.deleteQueue(other));
    await refused('scheduling', (channel) => channel.bindQueue(other, names.exchange, '#'));
    await refused('gateway', (channel) => channel.consume(names.rpcQueue(SERVICE.scheduling), () => undefined));
    await refused('inbound-response', (channel) => channel.assertQueue(`${environment.amqpNamespace}planted`));
  });

  it('the gateway, which has no outbox, cannot publish domain events', async () => {
    const { connection } = await channelAs('gateway');
    try {
      const confirm = await connection.createConfirmChannel();
      const closed = new Promise<Error>((resolve) => confirm.on('error', resolve));
      confirm.publish(names.exchange, 'CustomerCreated', Buffer.from('{}'));
      expect(String(await closed)).toMatch(/ACCESS_REFUSED/);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('nobody is let into the vhost without a user of its own (guest has no permission there)', async () => {
    await expect(amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`)).rejects.toThrow(
      /ConnectionClose|ACCESS_REFUSED|not_allowed/,
    );
  });
});
