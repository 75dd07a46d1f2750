import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit, startTracingOrExit } from '@appointments/service-host';
import { ReminderConfig } from './reminder.config';
import { ReminderSchedulerModule } from './reminder-scheduler.module';

startTracingOrExit(SERVICE.reminderScheduler); // first: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set
const config = loadConfigOrExit(ReminderConfig);
void hostService({
  service: SERVICE.reminderScheduler,
  module: ReminderSchedulerModule.register(config),
  config,
  port: config.REMINDER_PORT,
  messaging: true,
});
