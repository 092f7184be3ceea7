export * from './domain-error';
export * from './error.filter';
export * from './parse-request';
export * from './request-text';
