import { DynamicModule } from '@nestjs/common';
import { ConfigClass, ConfigModule, ServiceConfig } from '@appointments/config';
import { BrokerHealthIndicator, MessagingModule } from '@appointments/messaging';
import {
  createLogger,
  HealthModule,
  LoggerModule,
  MetricsAccess,
  MetricsModule,
  RedisHealthIndicator,
  TracingModule,
} from '@appointments/observability';
import { DatabaseHealthIndicator, PersistenceModule, PersistenceOptions } from '@appointments/persistence';
import { MigrationsHealthIndicator } from './migrations-health';

export interface ServicePlatformOptions<T extends ServiceConfig> {
  service: string;
  configClass: ConfigClass<T>;
  config: T;
  /** The service's PostgreSQL schema, entities and migrations. */
  persistence: PersistenceOptions;
  /** Whether the service publishes or consumes domain events (outbox and idempotency in its schema). */
  domainEvents?: boolean;
  /** More health indicators than database, broker and Redis, with the modules that provide them. */
  health?: { indicators: unknown[]; imports?: DynamicModule['imports'] };
  /** Who may read `GET /metrics` (default: open; the gateway, public-facing, says otherwise). */
  metrics?: MetricsAccess;
}

/**
 * What every service module imports: its validated config, the structured logger, its metrics
 * (`/metrics`), PostgreSQL with its own schema and migrations, RabbitMQ messaging, and `/health`
 * (with `/health/live` and `/health/ready`, which also asks that the migrations are applied), and the
 * flush of its last spans when it stops (when tracing is on: `startTracingOrExit`).
 */
export function servicePlatform<T extends ServiceConfig>(options: ServicePlatformOptions<T>): NonNullable<DynamicModule['imports']> {
  return [
    ConfigModule.forRoot(options.configClass, options.config),
    LoggerModule.forRoot(createLogger(options.service, options.config.LOG_LEVEL)),
    MetricsModule.forRoot(options.service, options.metrics),
    TracingModule,
    PersistenceModule.forRoot(options.persistence),
    MessagingModule.forService({
      service: options.service,
      ...(options.domainEvents === false ? {} : { schema: options.persistence.schema }),
    }),
    HealthModule.forRoot(
      options.service,
      [DatabaseHealthIndicator, BrokerHealthIndicator, RedisHealthIndicator, ...(options.health?.indicators ?? [])],
      { imports: options.health?.imports, readiness: [MigrationsHealthIndicator], providers: [MigrationsHealthIndicator] },
    ),
  ];
}
