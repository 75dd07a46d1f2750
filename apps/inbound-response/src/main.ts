import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit, startTracingOrExit } from '@appointments/service-host';
import { InboundConfig } from './inbound.config';
import { InboundResponseModule } from './inbound-response.module';
import { configureWebhookBodies } from './webhooks/webhook-bodies';

startTracingOrExit(SERVICE.inboundResponse); // first: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set
const config = loadConfigOrExit(InboundConfig);
void hostService({
  service: SERVICE.inboundResponse,
  module: InboundResponseModule.register(config),
  config,
  port: config.INBOUND_PORT,
  messaging: true,
  configure: configureWebhookBodies,
});
