import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@appointments/config';
import { SERVICE } from '@appointments/contracts';
import { BrokerHealthIndicator, MessagingModule } from '@appointments/messaging';
import { createLogger, HealthModule, LoggerModule, RedisHealthIndicator } from '@appointments/observability';
import { DatabaseHealthIndicator, PersistenceModule } from '@appointments/persistence';
import { InboundConfig } from './inbound.config';
import { InitialInbound1763700000300 } from './persistence/migrations/1763700000300-initial-inbound';

const SCHEMA = 'inbound_response';

/**
 * Provider webhooks (inbound SMS, delivery status), reply-code parsing and the stop list.
 * This issue brings the service up, healthy and wired; the webhooks come with the
 * notifications and responses issues.
 */
@Module({})
export class InboundResponseModule {
  static register(config: InboundConfig): DynamicModule {
    return {
      module: InboundResponseModule,
      imports: [
        ConfigModule.forRoot(InboundConfig, config),
        LoggerModule.forRoot(createLogger(SERVICE.inboundResponse, config.LOG_LEVEL)),
        PersistenceModule.forRoot({ schema: SCHEMA, entities: [], migrations: [InitialInbound1763700000300] }),
        MessagingModule.forService({ service: SERVICE.inboundResponse, schema: SCHEMA }),
        HealthModule.forRoot(SERVICE.inboundResponse, [DatabaseHealthIndicator, BrokerHealthIndicator, RedisHealthIndicator]),
      ],
    };
  }
}
