import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit, startTracingOrExit } from '@appointments/service-host';
import { GatewayConfig } from './gateway.config';
import { configureGateway, GatewayModule } from './gateway.module';

startTracingOrExit(SERVICE.gateway); // first: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set
const config = loadConfigOrExit(GatewayConfig);
void hostService({
  service: SERVICE.gateway,
  module: GatewayModule.register(config),
  config,
  port: config.GATEWAY_PORT,
  messaging: false,
  configure: configureGateway,
});
