export * from './eventually';
export * from './isolated-environment';
