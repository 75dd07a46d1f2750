export * from './database';
export * from './migrations';
export * from './persistence.module';
export * from './bulk-insert';
export * from './prepared-statements';
export * from './search-pattern';
