export * from './day';
export * from './day-ranges';
