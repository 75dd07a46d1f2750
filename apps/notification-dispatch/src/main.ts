import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit, startTracingOrExit } from '@appointments/service-host';
import { DispatchConfig } from './dispatch.config';
import { NotificationDispatchModule } from './notification-dispatch.module';

startTracingOrExit(SERVICE.notificationDispatch); // first: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set
const config = loadConfigOrExit(DispatchConfig);
void hostService({
  service: SERVICE.notificationDispatch,
  module: NotificationDispatchModule.register(config),
  config,
  port: config.DISPATCH_PORT,
  messaging: true,
});
