export * from './connector-client';
export * from './invalid-event.error';
