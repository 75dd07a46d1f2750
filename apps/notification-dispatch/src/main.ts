import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit } from '@appointments/service-host';
import { DispatchConfig } from './dispatch.config';
import { NotificationDispatchModule } from './notification-dispatch.module';

const config = loadConfigOrExit(DispatchConfig);
void hostService({
  service: SERVICE.notificationDispatch,
  module: NotificationDispatchModule.register(config),
  config,
  port: config.DISPATCH_PORT,
  messaging: true,
});
