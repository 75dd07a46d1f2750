import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit } from '@appointments/service-host';
import { SchedulingConfig } from './scheduling.config';
import { SchedulingModule } from './scheduling.module';

const config = loadConfigOrExit(SchedulingConfig);
void hostService({
  service: SERVICE.scheduling,
  module: SchedulingModule.register(config),
  config,
  port: config.SCHEDULING_PORT,
  messaging: true,
});
