import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Ids of the events a service has applied: redelivered or resent events are skipped. */
@Entity({ tableName: 'processed_event' })
export class ProcessedEvent {
  @PrimaryKey({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  topic!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()', index: true })
  processedAt!: Date;
}
