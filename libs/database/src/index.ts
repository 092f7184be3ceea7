export * from './orm-options';
export * from './ensure-database';
export * from './migrate';
export * from './query';
export * from './migration-command';
export * from './table';
export * from './day-type';
