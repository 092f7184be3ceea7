export * from './domain-error';
export * from './error.filter';
export * from './parse-request';
