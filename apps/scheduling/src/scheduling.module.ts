import { randomBytes } from 'node:crypto';
import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SERVICE } from '@appointments/contracts';
import { CustomersController } from './customers/customers.controller';
import { UpdateCustomerHandler } from './customers/update-customer.handler';
import { ApplyCustomerResponse } from './events/customer-response/apply-customer-response';
import { RecordInboundMessage } from './events/customer-response/record-inbound-message';
import { CustomerResponseController } from './events/customer-response/customer-response.controller';
import { CreateEventHandler } from './events/create-event/create-event.handler';
import { EventLoader } from './events/event-loader';
import { EventsController } from './events/events.controller';
import { NotificationOutcomeController } from './events/notification-outcome/notification-outcome.controller';
import { NotificationPlanner } from './events/notification-plan';
import { PreviewNotificationHandler } from './events/preview-notification/preview-notification.handler';
import { ReminderDueController } from './events/reminder-due/reminder-due.controller';
import { ReminderAcceptance } from './events/reminder-due/reminder-acceptance';
import { ReminderStaging } from './events/reminder-due/reminder-staging';
import { CancellationConfirmation } from './events/send-notification/cancellation-confirmation';
import { SendNotificationHandler } from './events/send-notification/send-notification.handler';
import { UpdateEventHandler } from './events/update-event/update-event.handler';
import { ChatterEntriesRepository } from './persistence/chatter-entries.repository';
import { ChatterEntryEntity } from './persistence/chatter-entry.entity';
import { CustomerEntity } from './persistence/customer.entity';
import { CustomersRepository } from './persistence/customers.repository';
import { EventEntity } from './persistence/event.entity';
import { EventsRepository } from './persistence/events.repository';
import { OptedOutAddressEntity } from './persistence/opted-out-address.entity';
import { OptedOutAddressesRepository } from './persistence/opted-out-addresses.repository';
import { SenderSettingsEntity } from './persistence/sender-settings.entity';
import { SenderSettingsRepository } from './persistence/sender-settings.repository';
import { TemplateEntity } from './persistence/template.entity';
import { TemplatesRepository } from './persistence/templates.repository';
import { SchedulingConfig } from './scheduling.config';
import { SenderSettings } from './settings/sender-settings';
import { SenderSettingsController } from './settings/sender-settings.controller';
import { OptOutChangedController, StopListCopy } from './stop-list/stop-list-copy';
import { TemplatesController } from './templates/templates.controller';
import { SCHEDULING_MIGRATIONS } from './persistence/migrations';

const ENTITIES = [CustomerEntity, TemplateEntity, EventEntity, ChatterEntryEntity, SenderSettingsEntity, OptedOutAddressEntity];

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
          persistence: { schema: 'scheduling', entities: ENTITIES, migrations: SCHEDULING_MIGRATIONS },
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [
        CustomersController,
        TemplatesController,
        EventsController,
        NotificationOutcomeController,
        SenderSettingsController,
        OptOutChangedController,
        CustomerResponseController,
        ReminderDueController,
      ],
      providers: [
        // One repository per aggregate: every SQL statement and TypeORM call of the service.
        EventsRepository,
        CustomersRepository,
        TemplatesRepository,
        ChatterEntriesRepository,
        SenderSettingsRepository,
        OptedOutAddressesRepository,
        EventLoader,
        StopListCopy,
        SenderSettings,
        NotificationPlanner,
        {
          provide: CancellationConfirmation,
          // Outside production an unset secret is made for this process (validation requires one in production).
          useFactory: () =>
            new CancellationConfirmation(
              config.CANCELLATION_TOKEN_SECRET ?? randomBytes(48).toString('base64url'),
              config.CANCELLATION_TOKEN_TTL_SECONDS,
            ),
        },
        CreateEventHandler,
        UpdateEventHandler,
        UpdateCustomerHandler,
        SendNotificationHandler,
        ReminderStaging,
        ReminderAcceptance,
        PreviewNotificationHandler,
        ApplyCustomerResponse,
        RecordInboundMessage,
      ],
    };
  }
}
