export * from './host-service';
export * from './service-platform';
