import { DOMAIN_EVENT, LandingTokenView, ReplyTargetOpenedPayload, SERVICE } from '@appointments/contracts';
import { MessagingNames, OutboxRelay, RpcClient, stampDomainEvent } from '@appointments/messaging';
import { eventually, IsolatedEnvironment, isolatedEnvironment } from '@appointments/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { InboundConfig } from '../../../apps/inbound-response/src/inbound.config';
import { InboundResponseModule } from '../../../apps/inbound-response/src/inbound-response.module';
import { configureWebhookBodies } from '../../../apps/inbound-response/src/webhooks/webhook-bodies';
import { cleanUpInProcess, startInProcess } from '../in-process-service';
import type { BrokerClient } from '../messaging/broker-client';

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

  /**
   * An SMS with reply codes sent to `phone`, as notification-dispatch announces it
   * (`ReplyTargetOpened` on the run's exchange); resolves once inbound-response keeps it.
   */
  async openReplyTarget(broker: BrokerClient, phone: string): Promise<LandingTokenView & { phone: string }> {
    const target = {
      notificationId: randomUUID(),
      eventId: randomUUID(),
      customerId: randomUUID(),
      channel: 'sms' as const,
      configKey: 'rsvp',
      config: { replyCodes: { enabled: true } } as unknown as LandingTokenView['config'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      createdAt: new Date().toISOString(),
      phone,
    };
    const providerMessageId = `SM${randomUUID().replace(/-/g, '')}`;
    const payload: ReplyTargetOpenedPayload = { target, providerMessageId, sentAt: new Date().toISOString() };
    const envelope = stampDomainEvent({ type: DOMAIN_EVENT.ReplyTargetOpened, eventId: target.eventId, payload }, 'notification-dispatch');
    await broker.publish(
      new MessagingNames(this.environment.amqpNamespace).exchange,
      DOMAIN_EVENT.ReplyTargetOpened,
      JSON.stringify(envelope),
      {
        messageId: envelope.id,
        type: envelope.type,
        contentType: 'application/json',
      },
    );
    const db = this.app.get(DataSource);
    await eventually(
      async () =>
        (await db.query('SELECT 1 FROM inbound_response.reply_targets WHERE notification_id = $1', [target.notificationId])).length,
      (found) => found === 1,
      { what: 'the reply target to be kept' },
    );
    return target;
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
