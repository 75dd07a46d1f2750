import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit, startTracingOrExit } from '@appointments/service-host';
import { SchedulingConfig } from './scheduling.config';
import { SchedulingModule } from './scheduling.module';

startTracingOrExit(SERVICE.scheduling); // first: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set
const config = loadConfigOrExit(SchedulingConfig);
void hostService({
  service: SERVICE.scheduling,
  module: SchedulingModule.register(config),
  config,
  port: config.SCHEDULING_PORT,
  messaging: true,
});
