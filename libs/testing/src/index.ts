export * from './eventually';
export * from './kafka';
export * from './processes';
export * from './service-app';
export * from './private-broker';
export * from './private-postgres';
export * from './test-scope';
export * from './metrics';
