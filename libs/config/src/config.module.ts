import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigClass, loadConfig } from './load-config';
import { ServiceConfig } from './service-config';

/**
 * Provides the app's validated config under its own class and under `ServiceConfig`,
 * so libs inject the common part without knowing the app.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends ServiceConfig>(schema: ConfigClass<T>, config: T = loadConfig(schema)): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: schema, useValue: config },
        { provide: ServiceConfig, useValue: config },
      ],
      exports: [schema, ServiceConfig],
    };
  }
}
