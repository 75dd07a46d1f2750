import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit } from '@appointments/service-host';
import { InboundConfig } from './inbound.config';
import { InboundResponseModule } from './inbound-response.module';
import { configureWebhookBodies } from './webhooks/webhook-bodies';

const config = loadConfigOrExit(InboundConfig);
void hostService({
  service: SERVICE.inboundResponse,
  module: InboundResponseModule.register(config),
  config,
  port: config.INBOUND_PORT,
  messaging: true,
  configure: configureWebhookBodies,
});
