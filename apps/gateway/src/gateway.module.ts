import { createHmac, createSecretKey } from 'node:crypto';
import { servicePlatform } from '@appointments/service-host';
import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { SERVICE } from '@appointments/contracts';
import { publicFacingMetricsAccess } from '@appointments/observability';
import type { Logger } from 'pino';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { LoginThrottle } from './auth/login-throttle';
import { StaffAuthGuard } from './auth/staff-auth.guard';
import { ConversationsController, DashboardController } from './conversations/conversations.controller';
import { GATEWAY_SECRETS, GatewayConfig, gatewaySecrets, GatewaySecrets } from './gateway.config';
import { DevPhoneController } from './dev-phone/dev-phone.controller';
import { GatewayExceptionFilter } from './gateway-exception.filter';
import { addSecurityHeaders, securityHeaders } from './security-headers';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LandingController } from './landing/landing.controller';
import { LandingFormToken } from './landing/landing-form-token';
import { LandingViews } from './landing/landing-views';
import { LiveController } from './live/live.controller';
import { LiveEvents } from './live/live-events';
import { OpsAccess } from './ops/ops-access';
import { mountOpsDashboard } from './ops/ops-dashboard';
import { OPS_LOGIN_FORM_TOKEN, OPS_LOGIN_FORM_TTL_SECONDS, OpsLoginController } from './ops/ops-login.controller';
import { OpsQueues } from './ops/ops-queues';
import { DEFAULT_STAFF_WEB_DIR, mountStaffWebApp } from './staff-web/staff-web-app';
import { InitialGateway1763700000200 } from './persistence/migrations/1763700000200-initial-gateway';
import { IdempotencyKeys1763700000240 } from './persistence/migrations/1763700000240-idempotency-keys';
import { StaffUserTokenVersion1765100000200 } from './persistence/migrations/1765100000200-staff-user-token-version';
import { StaffUserEntity } from './persistence/staff-user.entity';
import { CurrentStaffUsers } from './staff-users/current-staff-users';
import { StaffUsersController } from './staff-users/staff-users.controller';
import { StaffUsersRepository } from './staff-users/staff-users.repository';
import {
  CustomersApiController,
  DevOutboxApiController,
  EventsApiController,
  NotificationsApiController,
  SenderSettingsApiController,
  StopListApiController,
  TemplatesApiController,
} from './staff-api/staff-api.controllers';

/** Staff API, authentication, the customer landing pages (`/m/*`), the ops dashboards (`/ops/*`); no domain data of its own. */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, secrets: GatewaySecrets = gatewaySecrets(config)): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ...servicePlatform({
          service: SERVICE.gateway,
          configClass: GatewayConfig,
          config,
          persistence: {
            schema: 'gateway',
            entities: [StaffUserEntity],
            migrations: [InitialGateway1763700000200, IdempotencyKeys1763700000240, StaffUserTokenVersion1765100000200],
          },
          domainEvents: false,
          // Public-facing: /metrics takes METRICS_TOKEN when set; without it, open outside production and 404 in it.
          metrics: publicFacingMetricsAccess(config.METRICS_TOKEN, config.NODE_ENV === 'production'),
        }),
        IdempotencyModule,
        JwtModule.register({
          // A KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a
          // public key on every verify, which cost more CPU than the rest of a request.
          secret: createSecretKey(Buffer.from(secrets.jwtSecret, 'utf8')),
          signOptions: { expiresIn: config.ACCESS_TOKEN_TTL_SECONDS, algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        }),
      ],
      controllers: [
        AuthController,
        CustomersApiController,
        TemplatesApiController,
        EventsApiController,
        NotificationsApiController,
        DevOutboxApiController,
        DevPhoneController,
        SenderSettingsApiController,
        StopListApiController,
        ConversationsController,
        DashboardController,
        StaffUsersController,
        LandingController,
        LiveController,
        OpsLoginController,
      ],
      providers: [
        { provide: GATEWAY_SECRETS, useValue: secrets },
        StaffUsersRepository,
        CurrentStaffUsers,
        AuthService,
        LoginThrottle,
        { provide: APP_GUARD, useClass: StaffAuthGuard },
        LandingViews,
        LiveEvents,
        {
          provide: LandingFormToken,
          useValue: new LandingFormToken(
            LandingFormToken.keyFrom(config.LANDING_CSRF_SECRET, secrets.jwtSecret),
            config.LANDING_FORM_TTL_SECONDS,
          ),
        },
        OpsAccess,
        OpsQueues,
        // The landing pages' form token with a key of its own (derived from theirs), so a token of one kind never verifies as the other.
        { provide: OPS_LOGIN_FORM_TOKEN, useValue: new LandingFormToken(opsLoginFormKey(config, secrets), OPS_LOGIN_FORM_TTL_SECONDS) },
      ],
    };
  }
}

function opsLoginFormKey(config: GatewayConfig, secrets: GatewaySecrets): Buffer {
  return createHmac('sha256', LandingFormToken.keyFrom(config.LANDING_CSRF_SECRET, secrets.jwtSecret))
    .update('appointments ops-login form key v1')
    .digest();
}

/**
 * HTTP extras of the gateway: security headers on every answer, validation (400 naming the
 * field), one error style, OpenAPI at /api/docs, the queues dashboard at /ops/queues, the staff
 * web app at `/`.
 */
export async function configureGateway(app: NestFastifyApplication, logger: Logger) {
  const config = app.get(GatewayConfig);
  addSecurityHeaders(app.getHttpAdapter().getInstance(), securityHeaders(config));
  app.useGlobalPipes(
    new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, validationError: { target: false } }),
  );
  app.useGlobalFilters(new GatewayExceptionFilter(logger));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Appointments staff API')
      .setDescription('Book meetings from templates, send notifications, follow customer responses. See README.md.')
      .setVersion('1.0')
      .addBearerAuth()
      .build(),
  );
  markPublicOperations(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  await mountOpsDashboard(app);
  await mountStaffWebApp(app.getHttpAdapter().getInstance(), config.STAFF_WEB_DIR ?? DEFAULT_STAFF_WEB_DIR);
}

/** Every operation needs the bearer token (the document's default) but those `@PublicRoute()` marks `x-public`: `security: []`. */
function markPublicOperations(document: OpenAPIObject): void {
  document.security = [{ bearer: [] }];
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem) as (OperationObject & { 'x-public'?: boolean })[]) {
      if (operation && typeof operation === 'object' && operation['x-public']) operation.security = [];
    }
  }
}
