import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SERVICE } from '@appointments/contracts';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { RecordDeliveryReports } from './delivery-status/record-delivery-reports.handler';
import { SendGridEventsController } from './delivery-status/sendgrid/sendgrid-events.controller';
import { TwilioStatusController } from './delivery-status/twilio/twilio-status.controller';
import { InboundConfig } from './inbound.config';
import { InitialInbound1763700000300 } from './persistence/migrations/1763700000300-initial-inbound';
import { WebhooksAndStopList1763800000300 } from './persistence/migrations/1763800000300-webhooks-and-stop-list';
import { CustomerResponses1763900000300 } from './persistence/migrations/1763900000300-customer-responses';
import { ReplyTargets1764000000300 } from './persistence/migrations/1764000000300-reply-targets';
import { CustomerResponseEntity } from './persistence/customer-response.entity';
import { CustomerResponsesRepository } from './persistence/customer-responses.repository';
import { InboundSmsEntity } from './persistence/inbound-sms.entity';
import { InboundSmsRepository } from './persistence/inbound-sms.repository';
import { ProviderCallbackEntity } from './persistence/provider-callback.entity';
import { ProviderCallbacksRepository } from './persistence/provider-callbacks.repository';
import { ReplyTargetsRepository } from './persistence/reply-targets.repository';
import { StopListRepository } from './persistence/stop-list.repository';
import { RecordCustomerResponse } from './responses/record-customer-response';
import { ResponsesController } from './responses/responses.controller';
import { NotificationOutcomeController } from './sms/notification-outcome.controller';
import { ReceiveSmsReply } from './sms/receive-sms-reply';
import { InboundRetention } from './retention/inbound-retention';
import { ReplyTargets } from './sms/reply-targets';
import { TwilioInboundSmsController } from './sms/twilio-inbound-sms.controller';
import { StopListEntryEntity } from './persistence/stop-list-entry.entity';
import { StopList } from './stop-list/stop-list';
import { StopListController } from './stop-list/stop-list.controller';
import { SendGridSignature } from './webhooks/sendgrid-signature';
import { TwilioSignature } from './webhooks/twilio-signature';

const SCHEMA = 'inbound_response';
const ENTITIES = [ProviderCallbackEntity, StopListEntryEntity, CustomerResponseEntity, InboundSmsEntity];

/**
 * Provider webhooks (delivery status from Twilio and SendGrid, inbound SMS), customer
 * responses and the stop list. Publishes `DeliveryStatusChanged`, `OptOutChanged`,
 * `CustomerResponded` and `InboundMessageReceived` through its outbox; consumes
 * `NotificationSent` and `NotificationFailed` into its copy of the open reply targets.
 */
@Module({})
export class InboundResponseModule {
  static register(config: InboundConfig): DynamicModule {
    return {
      module: InboundResponseModule,
      imports: [
        ...servicePlatform({
          service: SERVICE.inboundResponse,
          configClass: InboundConfig,
          config,
          persistence: {
            schema: SCHEMA,
            entities: ENTITIES,
            migrations: [
              InitialInbound1763700000300,
              WebhooksAndStopList1763800000300,
              CustomerResponses1763900000300,
              ReplyTargets1764000000300,
            ],
          },
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [
        TwilioStatusController,
        SendGridEventsController,
        StopListController,
        ResponsesController,
        TwilioInboundSmsController,
        NotificationOutcomeController,
      ],
      providers: [
        InboundSmsRepository,
        CustomerResponsesRepository,
        StopListRepository,
        ReplyTargetsRepository,
        ProviderCallbacksRepository,
        RecordDeliveryReports,
        InboundRetention,
        StopList,
        RecordCustomerResponse,
        ReceiveSmsReply,
        ReplyTargets,
        {
          provide: TwilioSignature,
          inject: [LOGGER],
          useFactory: (logger: Logger) => {
            const signature = new TwilioSignature(config.TWILIO_AUTH_TOKEN, config.PUBLIC_WEBHOOK_BASE_URL);
            if (!signature.configured) logger.warn('TWILIO_AUTH_TOKEN is not configured: every Twilio webhook will be refused with 403');
            return signature;
          },
        },
        {
          provide: SendGridSignature,
          inject: [LOGGER],
          useFactory: (logger: Logger) => {
            const signature = new SendGridSignature({
              verificationKey: config.SENDGRID_WEBHOOK_VERIFICATION_KEY,
              toleranceSeconds: config.SENDGRID_WEBHOOK_TOLERANCE_SECONDS,
              acceptUnsigned: config.sendGridAcceptsUnsigned,
            });
            if (config.sendGridAcceptsUnsigned)
              logger.warn(
                'SENDGRID_WEBHOOK_VERIFICATION_KEY is not set: SendGrid event webhooks are accepted without a signature (never in production)',
              );
            else if (!signature.required)
              logger.error(
                'SENDGRID_WEBHOOK_VERIFICATION_KEY is not set: in production every SendGrid event webhook will be refused with 403',
              );
            return signature;
          },
        },
      ],
    };
  }
}
