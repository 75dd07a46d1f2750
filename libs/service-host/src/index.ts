export * from './host-service';
export * from './service-platform';
export * from './migrations-health';
