import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SERVICE } from '@appointments/contracts';
import { ChatterLog } from './chatter/chatter-log';
import { CustomersController } from './customers/customers.controller';
import { CreateEventHandler } from './events/create-event/create-event.handler';
import { EventLoader } from './events/event-loader';
import { EventsController } from './events/events.controller';
import { NotificationOutcomeController } from './events/notification-outcome/notification-outcome.controller';
import { SendNotificationHandler } from './events/send-notification/send-notification.handler';
import { UpdateEventHandler } from './events/update-event/update-event.handler';
import { ChatterEntryEntity } from './persistence/chatter-entry.entity';
import { CustomerEntity } from './persistence/customer.entity';
import { EventEntity } from './persistence/event.entity';
import { InitialScheduling1763700000000 } from './persistence/migrations/1763700000000-initial-scheduling';
import { TemplateEntity } from './persistence/template.entity';
import { SchedulingConfig } from './scheduling.config';
import { TemplatesController } from './templates/templates.controller';

const ENTITIES = [CustomerEntity, TemplateEntity, EventEntity, ChatterEntryEntity];

/** Owns events, customers, templates and chatter, and applies the state machine's decisions. */
@Module({})
export class SchedulingModule {
  static register(config: SchedulingConfig): DynamicModule {
    return {
      module: SchedulingModule,
      imports: [
        ...servicePlatform({
          service: SERVICE.scheduling,
          configClass: SchedulingConfig,
          config,
          persistence: { schema: 'scheduling', entities: ENTITIES, migrations: [InitialScheduling1763700000000] },
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [CustomersController, TemplatesController, EventsController, NotificationOutcomeController],
      providers: [ChatterLog, EventLoader, CreateEventHandler, UpdateEventHandler, SendNotificationHandler],
    };
  }
}
