import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { SERVICE } from '@appointments/contracts';
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
      imports: servicePlatform({
        service: SERVICE.inboundResponse,
        configClass: InboundConfig,
        config,
        persistence: { schema: SCHEMA, entities: [], migrations: [InitialInbound1763700000300] },
      }),
    };
  }
}
