import { SERVICE } from '@appointments/contracts';
import { hostService, loadConfigOrExit } from '@appointments/service-host';
import { ReminderConfig } from './reminder.config';
import { ReminderSchedulerModule } from './reminder-scheduler.module';

const config = loadConfigOrExit(ReminderConfig);
void hostService({
  service: SERVICE.reminderScheduler,
  module: ReminderSchedulerModule.register(config),
  config,
  port: config.REMINDER_PORT,
  messaging: true,
});
