export * from './eventually';
export * from './isolated-environment';
export * from './amqp-namespace';
export * from './prometheus';
