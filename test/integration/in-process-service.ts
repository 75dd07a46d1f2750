import { ConfigClass, loadConfig, ServiceConfig } from '@appointments/config';
import { AmqpConnection, MessagingNames } from '@appointments/messaging';
import { dropDatabase } from '@appointments/persistence';
import { hostService, HostServiceOptions } from '@appointments/service-host';
import { deleteAmqpNamespace, IsolatedEnvironment } from '@appointments/testing';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The retry delays every in-process service runs with (short, so that retries show within a test). */
export const IN_PROCESS_RETRY_DELAYS_MS = [100, 200];

export interface InProcessService<C extends ServiceConfig> {
  service: string;
  configClass: ConfigClass<C>;
  module: (config: C) => DynamicModule;
  /** What its main.ts does to the app before it listens (webhook body parsers, say). */
  configure?: HostServiceOptions['configure'];
}

/**
 * A service started in this process as its main.ts starts it (hostService, its module), on a free
 * port, in the environment's database, AMQP namespace and Redis prefix (a second call on the same
 * environment: a second process of it), quiet, with a 200 ms outbox poll and short retry delays;
 * `overrides` set more of its configuration. Resolves once it is connected to the broker.
 */
export async function startInProcess<C extends ServiceConfig>(
  environment: IsolatedEnvironment,
  { service, configClass, module, configure }: InProcessService<C>,
  overrides: Record<string, string> = {},
): Promise<NestFastifyApplication> {
  const env = {
    ...environment.env,
    LOG_LEVEL: 'silent',
    OUTBOX_POLL_MS: '200',
    MESSAGE_RETRY_DELAYS_MS: IN_PROCESS_RETRY_DELAYS_MS.join(','),
    ...overrides,
  };
  const config = loadConfig(configClass, env);
  const { app } = await hostService({
    service,
    module: module(config),
    config,
    port: 0,
    host: '127.0.0.1',
    messaging: true,
    ownsProcess: false,
    configure,
  });
  await app.get(AmqpConnection).waitUntilConnected(15_000);
  return app;
}

/** Removes the environment's database and these services' queues (and their retry and dead-letter queues). */
export async function cleanUpInProcess(environment: IsolatedEnvironment, services: string[]): Promise<void> {
  await dropDatabase(environment.databaseUrl);
  await deleteAmqpNamespace(
    environment.env.AMQP_URL,
    new MessagingNames(environment.amqpNamespace),
    services,
    IN_PROCESS_RETRY_DELAYS_MS.length,
  );
}
