export * from './kafka-settings';
export * from './event-producer';
export * from './kafka-event.server';
export * from './kafka.module';
export * from './outbox';
export * from './outbox-event.entity';
export * from './outbox-relay';
export * from './processed-event.entity';
