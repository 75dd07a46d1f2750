import { SERVICE } from '@appointments/contracts';
import { loadConfig } from '@appointments/config';
import { AmqpConnection, MessagingNames } from '@appointments/messaging';
import { dropDatabase } from '@appointments/persistence';
import { hostService } from '@appointments/service-host';
import { deleteAmqpNamespace, IsolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DispatchConfig } from '../../../apps/notification-dispatch/src/dispatch.config';
import { NotificationDispatchModule } from '../../../apps/notification-dispatch/src/notification-dispatch.module';

export const DISPATCH_RETRY_DELAYS_MS = [100, 200];

/**
 * notification-dispatch started in this process as its main.ts starts it, with the local delivery
 * sink, in the environment's database and AMQP namespace (a second call: a second process on the
 * same ones), quiet and with short polls; `overrides` set more of its configuration.
 */
export async function startDispatch(environment: IsolatedEnvironment, overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  const env = {
    ...environment.env,
    LOG_LEVEL: 'silent',
    OUTBOX_POLL_MS: '200',
    MESSAGE_RETRY_DELAYS_MS: DISPATCH_RETRY_DELAYS_MS.join(','),
    DELIVERY_SWEEP_MS: '200',
    ...overrides,
  };
  const config = loadConfig(DispatchConfig, env);
  const { app } = await hostService({
    service: SERVICE.notificationDispatch,
    module: NotificationDispatchModule.register(config),
    config,
    port: 0,
    host: '127.0.0.1',
    messaging: true,
  });
  await app.get(AmqpConnection).waitUntilConnected(15_000);
  return app;
}

/** Removes the environment's database and the queues of these services (notification-dispatch's and any stand-in's). */
export async function cleanUpDispatch(environment: IsolatedEnvironment, services: string[] = [SERVICE.notificationDispatch]): Promise<void> {
  await dropDatabase(environment.databaseUrl);
  await deleteAmqpNamespace(environment.env.AMQP_URL, new MessagingNames(environment.amqpNamespace), services, DISPATCH_RETRY_DELAYS_MS.length);
}
