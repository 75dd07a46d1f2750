import { randomBytes } from 'node:crypto';
import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SERVICE } from '@appointments/contracts';
import { CreateCustomer } from './customers/create-customer';
import { CustomersController } from './customers/customers.controller';
import { UpdateCustomer } from './customers/update-customer';
import { CreateEvent } from './events/create-event/create-event';
import { ApplyCustomerResponse } from './events/customer-response/apply-customer-response';
import { CustomerResponseController } from './events/customer-response/customer-response.controller';
import { RecordInboundMessage } from './events/customer-response/record-inbound-message';
import { EventLoader } from './events/event-loader';
import { EventsController } from './events/events.controller';
import { NotificationOutcomeController } from './events/notification-outcome/notification-outcome.controller';
import { RecordNotificationOutcomes } from './events/notification-outcome/record-notification-outcomes';
import { NotificationPlanner } from './events/notification-plan';
import { PreviewNotification } from './events/preview-notification/preview-notification';
import { AcceptReminders } from './events/reminder-due/accept-reminders';
import { CheckReminderReleases } from './events/reminder-due/check-reminder-releases';
import { ReminderDueController } from './events/reminder-due/reminder-due.controller';
import { StageReminders } from './events/reminder-due/stage-reminders';
import { CancellationConfirmation } from './events/send-notification/cancellation-confirmation';
import { SendNotification } from './events/send-notification/send-notification';
import { UpdateEvent } from './events/update-event/update-event';
import { SCHEDULING_MIGRATIONS } from './persistence/migrations';
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
import { UpdateSenderSettings } from './settings/update-sender-settings';
import { OptOutChangedController } from './stop-list/opt-out-changed.controller';
import { RecordOptOutChange } from './stop-list/record-opt-out-change';
import { StopListCopy } from './stop-list/stop-list-copy';
import { CreateTemplate } from './templates/create-template';
import { DeleteTemplate } from './templates/delete-template';
import { TemplatesController } from './templates/templates.controller';
import { UpdateTemplate } from './templates/update-template';

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
        // The use cases (`<Verb><Noun>.execute`, docs/house.md "Use cases"); controllers hand over to them.
        CreateCustomer,
        UpdateCustomer,
        CreateTemplate,
        UpdateTemplate,
        DeleteTemplate,
        UpdateSenderSettings,
        RecordOptOutChange,
        CreateEvent,
        UpdateEvent,
        PreviewNotification,
        SendNotification,
        StageReminders,
        CheckReminderReleases,
        AcceptReminders,
        ApplyCustomerResponse,
        RecordInboundMessage,
        RecordNotificationOutcomes,
      ],
    };
  }
}
