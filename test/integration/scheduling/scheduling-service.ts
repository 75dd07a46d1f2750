import { SERVICE } from '@appointments/contracts';
import { RpcClient } from '@appointments/messaging';
import type { IsolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { SchedulingConfig } from '../../../apps/scheduling/src/scheduling.config';
import { SchedulingModule } from '../../../apps/scheduling/src/scheduling.module';
import { cleanUpInProcess, startInProcess } from '../in-process-service';
import { BrokerClient } from '../messaging/broker-client';

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

/**
 * scheduling in this process with what its integration specs drive it by: the RPC client, a
 * broker client on the run's exchange and a database session. `stop()` closes them all and
 * cleans up.
 */
export class SchedulingHarness {
  private constructor(
    readonly environment: IsolatedEnvironment,
    readonly app: NestFastifyApplication,
    readonly broker: BrokerClient,
    readonly database: Client,
  ) {}

  static async start(environment: IsolatedEnvironment): Promise<SchedulingHarness> {
    const app = await startScheduling(environment);
    const broker = await BrokerClient.connect(environment.env.AMQP_URL);
    const database = new Client({ connectionString: environment.databaseUrl });
    await database.connect();
    return new SchedulingHarness(environment, app, broker, database);
  }

  get rpc(): RpcClient {
    return this.app.get(RpcClient);
  }

  /** Asks scheduling over RPC, as the gateway does. */
  ask<T>(pattern: string, payload: unknown = {}): Promise<T> {
    return this.rpc.request<T>(SERVICE.scheduling, pattern, payload);
  }

  async stop(): Promise<void> {
    await this.broker.close();
    await this.database.end();
    await this.app.close();
    await cleanUpScheduling(this.environment);
  }
}
