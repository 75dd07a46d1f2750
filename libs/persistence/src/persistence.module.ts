import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceConfig } from '@appointments/config';
import { LOGGER, HealthIndicator } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ensureDatabase } from './database';
import { migrateSchema } from './migrations';
import { enablePreparedStatements, preparingClientClass } from './prepared-statements';

export interface PersistenceOptions {
  /** The PostgreSQL schema this service owns; its tables and migrations table live there. */
  schema: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

export const SERVICE_SCHEMA = Symbol('SERVICE_SCHEMA');

/** Reports whether PostgreSQL answers on the service's pool. */
@Injectable()
export class DatabaseHealthIndicator implements HealthIndicator {
  readonly name = 'database';
  constructor(private readonly dataSource: DataSource) {}
  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

@Injectable()
class SchemaMigrator implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit() {
    const applied = await migrateSchema(this.dataSource, this.schema);
    // Only now: no statement is prepared against a table a migration changes.
    enablePreparedStatements(this.dataSource);
    this.logger.info({ schema: this.schema, applied }, applied.length ? 'migrations applied' : 'schema up to date');
  }
}

/** The TypeORM options of a service's pool (exported for tests that open it as the service does). */
export function serviceDataSourceOptions(
  config: Pick<ServiceConfig, 'DATABASE_URL' | 'DATABASE_PREPARED_STATEMENTS'>,
  options: PersistenceOptions,
) {
  return {
    type: 'postgres' as const,
    url: config.DATABASE_URL,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    // The migrations make everything the schema needs (gen_random_uuid is built in): TypeORM
    // would otherwise try CREATE EXTENSION "uuid-ossp", which a service's role may not do.
    installExtensions: false,
    // Parameterised queries as named prepared statements, once migrated (see preparingClientClass).
    extra: {
      max: 10,
      application_name: options.schema,
      ...(config.DATABASE_PREPARED_STATEMENTS ? { Client: preparingClientClass() } : {}),
    },
  };
}

/**
 * TypeORM on PostgreSQL for one service: creates the database when missing, applies the
 * service's migrations at start (never `synchronize`), exposes a health indicator.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: async (config: ServiceConfig) => {
            await ensureDatabase(config.DATABASE_URL);
            return serviceDataSourceOptions(config, options);
          },
        }),
      ],
      providers: [DatabaseHealthIndicator, SchemaMigrator, { provide: SERVICE_SCHEMA, useValue: options.schema }],
      exports: [DatabaseHealthIndicator, SERVICE_SCHEMA, TypeOrmModule],
    };
  }
}
