import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { SERVICE } from '@appointments/contracts';
import { DueJobFiring } from './firing/due-job-firing';
import { InitialReminders1763700000400 } from './persistence/migrations/1763700000400-initial-reminders';
import { ReminderSchedule1764000000400 } from './persistence/migrations/1764000000400-reminder-schedule';
import { RemindersRepository } from './persistence/reminders.repository';
import { TimersRepository } from './persistence/timers.repository';
import { ScheduleReconciliation } from './reconcile/schedule-reconciliation';
import { ReminderConfig } from './reminder.config';
import { ReminderQueue, ReminderQueueModule } from './reminders/reminder-queue';
import { ReminderQueueMetrics } from './reminders/reminder-queue-metrics';
import { EventFactsController } from './schedule/event-facts.controller';
import { ReminderSchedule } from './schedule/reminder-schedule';
import { RemindersController } from './schedule/reminders.controller';
import { Timers } from './timers/timers';
import { TimersController } from './timers/timers.controller';

const SCHEMA = 'reminder_scheduler';

/**
 * Reminders and timers. The schedule lives in PostgreSQL (`reminder_scheduler.reminders`,
 * `.timers`), the source of truth; Redis mirrors it as BullMQ delayed jobs (queue `reminders`).
 *
 * - `EventBooked` / `RsvpRequested` schedule one reminder per template trigger; `FieldsChanged` /
 *   `EventRescheduled` move them; `EventCancelled` cancels them (batch consumers; Redis is changed
 *   after the commit).
 * - `DueJobFiring` fires due jobs in batches, one transaction each, publishing `ReminderDue` and
 *   `TimerFired` through the outbox.
 * - `ScheduleReconciliation` re-adds missing jobs and removes orphans, at start and periodically.
 * - RPC: `reminders.list`, `timers.start`, `timers.cancel`.
 */
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
          persistence: { schema: SCHEMA, entities: [], migrations: [InitialReminders1763700000400, ReminderSchedule1764000000400] },
          health: { indicators: [ReminderQueue], imports: [ReminderQueueModule] },
        }),
        ReminderQueueModule,
      ],
      controllers: [EventFactsController, RemindersController, TimersController],
      providers: [
        RemindersRepository,
        TimersRepository,
        ReminderSchedule,
        DueJobFiring,
        ScheduleReconciliation,
        Timers,
        ReminderQueueMetrics,
      ],
    };
  }
}
