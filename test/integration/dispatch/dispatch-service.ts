import { SERVICE } from '@appointments/contracts';
import type { IsolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DispatchConfig } from '../../../apps/notification-dispatch/src/dispatch.config';
import { NotificationDispatchModule } from '../../../apps/notification-dispatch/src/notification-dispatch.module';
import { cleanUpInProcess, startInProcess } from '../in-process-service';

/**
 * notification-dispatch started in this process as its main.ts starts it, with the local delivery
 * sink, in the environment's database and AMQP namespace (a second call: a second process on the
 * same ones), quiet and with short polls; `overrides` set more of its configuration.
 */
export function startDispatch(environment: IsolatedEnvironment, overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return startInProcess(
    environment,
    { service: SERVICE.notificationDispatch, configClass: DispatchConfig, module: (config) => NotificationDispatchModule.register(config) },
    { DELIVERY_SWEEP_MS: '200', ...overrides },
  );
}

/** Removes the environment's database and the queues of these services (notification-dispatch's and any stand-in's). */
export function cleanUpDispatch(environment: IsolatedEnvironment, services: string[] = [SERVICE.notificationDispatch]): Promise<void> {
  return cleanUpInProcess(environment, services);
}
