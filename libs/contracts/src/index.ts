export * from './services';
export * from './domain-events';
export * from './validation';
export * from './customer.dto';
export * from './template.dto';
export * from './event.dto';
export * from './notification.dto';
export * from './commands';
