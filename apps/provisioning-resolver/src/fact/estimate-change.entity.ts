import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { DayType } from '@org/database';

/**
 * Per instance and day, how many users enter the SSO estimate (+) or leave it (−), summed
 * over every user's intervals and kept up to date as estimates change: a view reads a few
 * rows per day of history instead of every user's intervals.
 */
@Entity({ tableName: 'estimate_change' })
export class EstimateChange {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: DayType })
  day!: number;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer' })
  delta!: number;
}
