export * from './correlation';
export * from './logger';
export * from './logger.module';
export * from './health';
export * from './redis-health';
export * from './route-access';
export * from './request-log';
