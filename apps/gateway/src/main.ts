import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit } from '@appointments/service-host';
import { GatewayConfig } from './gateway.config';
import { configureGateway, GatewayModule } from './gateway.module';

const config = loadConfigOrExit(GatewayConfig);
void hostService({
  service: SERVICE.gateway,
  module: GatewayModule.register(config),
  config,
  port: config.GATEWAY_PORT,
  messaging: false,
  configure: configureGateway,
});
