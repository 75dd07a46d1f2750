import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { SERVICE } from '@appointments/contracts';
import { InitialReminders1763700000400 } from './persistence/migrations/1763700000400-initial-reminders';
import { ReminderConfig } from './reminder.config';
import { ReminderQueue, ReminderQueueModule } from './reminders/reminder-queue';

const SCHEMA = 'reminder_scheduler';

/** Reminder jobs (BullMQ delayed jobs, with the schedule kept in PostgreSQL). A healthy shell in this issue. */
@Module({})
export class ReminderSchedulerModule {
  static register(config: ReminderConfig): DynamicModule {
    return {
      module: ReminderSchedulerModule,
      imports: [
        ...servicePlatform({
          service: SERVICE.reminderScheduler,
          configClass: ReminderConfig,
          config,
          persistence: { schema: SCHEMA, entities: [], migrations: [InitialReminders1763700000400] },
          health: { indicators: [ReminderQueue], imports: [ReminderQueueModule] },
        }),
        ReminderQueueModule,
      ],
    };
  }
}
