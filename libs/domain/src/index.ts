export * from './vocabulary';
export * from './errors';
export * from './event-status';
export * from './event-title';
export * from './channel-selection';
export * from './sender-verification';
export * from './delivery-status';
export * from './sms-reply';
