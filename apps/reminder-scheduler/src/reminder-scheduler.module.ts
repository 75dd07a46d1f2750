import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@appointments/config';
import { SERVICE } from '@appointments/contracts';
import { BrokerHealthIndicator, MessagingModule } from '@appointments/messaging';
import { createLogger, HealthModule, LoggerModule, RedisHealthIndicator } from '@appointments/observability';
import { DatabaseHealthIndicator, PersistenceModule } from '@appointments/persistence';
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
        ConfigModule.forRoot(ReminderConfig, config),
        LoggerModule.forRoot(createLogger(SERVICE.reminderScheduler, config.LOG_LEVEL)),
        PersistenceModule.forRoot({ schema: SCHEMA, entities: [], migrations: [InitialReminders1763700000400] }),
        MessagingModule.forService({ service: SERVICE.reminderScheduler, schema: SCHEMA }),
        ReminderQueueModule,
        HealthModule.forRoot(SERVICE.reminderScheduler, [DatabaseHealthIndicator, BrokerHealthIndicator, RedisHealthIndicator, ReminderQueue], {
          imports: [ReminderQueueModule],
        }),
      ],
    };
  }
}
