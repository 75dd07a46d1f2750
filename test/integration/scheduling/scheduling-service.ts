import { SERVICE } from '@appointments/contracts';
import type { IsolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SchedulingConfig } from '../../../apps/scheduling/src/scheduling.config';
import { SchedulingModule } from '../../../apps/scheduling/src/scheduling.module';
import { cleanUpInProcess, startInProcess } from '../in-process-service';

/** scheduling started in this process as its main.ts starts it, in the environment's database and AMQP namespace. */
export function startScheduling(environment: IsolatedEnvironment, overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  return startInProcess(
    environment,
    { service: SERVICE.scheduling, configClass: SchedulingConfig, module: (config) => SchedulingModule.register(config) },
    overrides,
  );
}

/** Removes the environment's database and scheduling's queues. */
export function cleanUpScheduling(environment: IsolatedEnvironment): Promise<void> {
  return cleanUpInProcess(environment, [SERVICE.scheduling]);
}
