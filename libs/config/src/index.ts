export * from './load-config';
export * from './decorators';
export * from './service-config';
export * from './config.module';
