export * from './host-service';
