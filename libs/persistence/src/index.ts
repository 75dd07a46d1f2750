export * from './database';
export * from './migrations';
export * from './persistence.module';
