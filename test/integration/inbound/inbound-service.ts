import { SERVICE } from '@appointments/contracts';
import { loadConfig } from '@appointments/config';
import { AmqpConnection, MessagingNames, OutboxRelay, RpcClient } from '@appointments/messaging';
import { dropDatabase } from '@appointments/persistence';
import { hostService } from '@appointments/service-host';
import { deleteAmqpNamespace, eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { InboundConfig } from '../../../apps/inbound-response/src/inbound.config';
import { InboundResponseModule } from '../../../apps/inbound-response/src/inbound-response.module';
import { configureWebhookBodies } from '../../../apps/inbound-response/src/webhooks/webhook-bodies';

const RETRY_DELAYS_MS = [100, 200];

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
    const env = { ...environment.env, LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '200', MESSAGE_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','), ...overrides };
    const config = loadConfig(InboundConfig, env);
    const { app } = await hostService({
      service: SERVICE.inboundResponse,
      module: InboundResponseModule.register(config),
      config,
      port: 0,
      host: '127.0.0.1',
      messaging: true,
      configure: configureWebhookBodies,
    });
    const { port } = app.getHttpServer().address() as AddressInfo;
    await app.get(AmqpConnection).waitUntilConnected(15_000);
    return new InboundService(app, environment, `http://127.0.0.1:${port}`);
  }

  get rpc(): RpcClient {
    return this.app.get(RpcClient);
  }

  /** Resolves once the relay has published every committed event (they are then on the observers' queues). */
  async outboxDrained(): Promise<void> {
    const relay = this.app.get(OutboxRelay);
    await eventually(() => relay.backlog(), (backlog) => backlog === 0, { what: 'the outbox relay to publish every committed event' });
  }

  async post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string; contentType: string | null }> {
    const response = await fetch(`${this.url}${path}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await dropDatabase(this.environment.databaseUrl);
    await deleteAmqpNamespace(this.environment.env.AMQP_URL, new MessagingNames(this.environment.amqpNamespace), [SERVICE.inboundResponse], RETRY_DELAYS_MS.length);
  }
}
