import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { SERVICE } from '@appointments/contracts';
import { InboundConsoleController } from './console/inbound-console.controller';
import { ConversationRetention } from './conversations/conversation-retention';
import { ConversationsController } from './conversations/conversations.controller';
import { RecordConversationMessages } from './conversations/record-conversation-messages';
import { SendStaffMessage } from './conversations/send-staff-message';
import { NotificationsConsoleController } from './console/notifications-console.controller';
import { EMAIL_PROVIDER } from './delivery/email/email-provider';
import { SendGridEmailProvider } from './delivery/email/sendgrid-email.provider';
import { LocalSinkEmailProvider, LocalSinkSmsProvider } from './delivery/local-sink/local-delivery-sink';
import { DeliveryMetrics } from './delivery/delivery-metrics';
import { NotificationDelivery } from './delivery/notification-delivery';
import { StagedReminderRelease } from './delivery/staged-reminder-release';
import { SMS_PROVIDER } from './delivery/sms/sms-provider';
import { TwilioSmsProvider } from './delivery/sms/twilio-sms.provider';
import { DeliveryStatusChangedController } from './delivery-status/delivery-status-changed.controller';
import { LandingLookupController } from './landing/landing-lookup.controller';
import { LandingTokens } from './landing/landing-tokens';
import { LandingTokenEntity } from './persistence/landing-token.entity';
import { DevOutboxController } from './dev-outbox/dev-outbox.controller';
import { DevPhoneController } from './dev-outbox/dev-phone.controller';
import { DispatchConfig } from './dispatch.config';
import { DevOutboxMessageEntity } from './persistence/dev-outbox-message.entity';
import { NotificationEntity } from './persistence/notification.entity';
import { NotificationRequestedController } from './requests/notification-requested.controller';
import { DISPATCH_MIGRATIONS } from './persistence/migrations';
import { ConversationsRepository } from './persistence/conversations.repository';
import { DevOutboxMessagesRepository } from './persistence/dev-outbox-messages.repository';
import { InboundMessagesRepository } from './persistence/inbound-messages.repository';
import { LandingTokensRepository } from './persistence/landing-tokens.repository';
import { NotificationsRepository } from './persistence/notifications.repository';

const ENTITIES = [NotificationEntity, DevOutboxMessageEntity, LandingTokenEntity];
const SCHEMA = 'notification_dispatch';

/** Renders and delivers notifications, keeps the notifications console and the local delivery sink. */
@Module({})
export class NotificationDispatchModule {
  static register(config: DispatchConfig): DynamicModule {
    return {
      module: NotificationDispatchModule,
      imports: [
        ...servicePlatform({
          service: SERVICE.notificationDispatch,
          configClass: DispatchConfig,
          config,
          persistence: { schema: SCHEMA, entities: ENTITIES, migrations: DISPATCH_MIGRATIONS },
        }),
      ],
      controllers: [
        NotificationRequestedController,
        DeliveryStatusChangedController,
        NotificationsConsoleController,
        DevOutboxController,
        DevPhoneController,
        LandingLookupController,
        InboundConsoleController,
        ConversationsController,
      ],
      providers: [
        NotificationsRepository,
        LandingTokensRepository,
        DevOutboxMessagesRepository,
        InboundMessagesRepository,
        ConversationsRepository,
        RecordConversationMessages,
        SendStaffMessage,
        ConversationRetention,
        DeliveryMetrics,
        NotificationDelivery,
        StagedReminderRelease,
        LandingTokens,
        {
          provide: EMAIL_PROVIDER,
          inject: [DevOutboxMessagesRepository],
          useFactory: (outbox: DevOutboxMessagesRepository) =>
            config.SENDGRID_API_KEY
              ? new SendGridEmailProvider(config.SENDGRID_API_KEY, { timeoutMs: config.PROVIDER_TIMEOUT_MS })
              : new LocalSinkEmailProvider(outbox),
        },
        {
          provide: SMS_PROVIDER,
          inject: [DevOutboxMessagesRepository],
          useFactory: (outbox: DevOutboxMessagesRepository) =>
            config.twilioConfigured
              ? new TwilioSmsProvider({
                  accountSid: config.TWILIO_ACCOUNT_SID!,
                  authToken: config.TWILIO_AUTH_TOKEN!,
                  from: config.TWILIO_FROM!,
                  timeoutMs: config.PROVIDER_TIMEOUT_MS,
                  statusCallbackUrl: (notificationId) =>
                    `${config.PUBLIC_WEBHOOK_BASE_URL.replace(/\/+$/, '')}/webhooks/twilio/status?notificationId=${encodeURIComponent(notificationId)}`,
                })
              : new LocalSinkSmsProvider(outbox),
        },
      ],
    };
  }
}
