import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Engagement usage of one user on one day (connector.usage.v1): the greatest count sent, whatever the order. */
@Entity({ tableName: 'usage_fact' })
@Index({ properties: ['receivedAt'] })
export class UsageFact {
  [OptionalProps]?: 'receivedAt';

  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer' })
  events!: number;

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  receivedAt!: Date;
}
