import { SERVICE } from '@appointments/contracts';
import { OutboxRelay, RpcClient } from '@appointments/messaging';
import { eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { InboundConfig } from '../../../apps/inbound-response/src/inbound.config';
import { InboundResponseModule } from '../../../apps/inbound-response/src/inbound-response.module';
import { configureWebhookBodies } from '../../../apps/inbound-response/src/webhooks/webhook-bodies';
import { cleanUpInProcess, startInProcess } from '../in-process-service';

/**
 * inbound-response started in this process exactly as its main.ts starts it (hostService,
 * the module, the webhook body parsers), in its own database and AMQP namespace, on a free
 * port. `stop()` closes it and removes the database, queues and exchange.
 */
export class InboundService {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly environment: IsolatedEnvironment,
    readonly url: string,
  ) {}

  static async start(label: string, overrides: Record<string, string>): Promise<InboundService> {
    const environment = isolatedEnvironment(label);
    const app = await startInProcess(
      environment,
      {
        service: SERVICE.inboundResponse,
        configClass: InboundConfig,
        module: (config) => InboundResponseModule.register(config),
        configure: configureWebhookBodies,
      },
      overrides,
    );
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new InboundService(app, environment, `http://127.0.0.1:${port}`);
  }

  get rpc(): RpcClient {
    return this.app.get(RpcClient);
  }

  /** Resolves once the relay has published every committed event (they are then on the observers' queues). */
  async outboxDrained(): Promise<void> {
    const relay = this.app.get(OutboxRelay);
    await eventually(
      () => relay.backlog(),
      (backlog) => backlog === 0,
      { what: 'the outbox relay to publish every committed event' },
    );
  }

  async post(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; text: string; contentType: string | null }> {
    const response = await fetch(`${this.url}${path}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await cleanUpInProcess(this.environment, [SERVICE.inboundResponse]);
  }
}
