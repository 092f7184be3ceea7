import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A snapshot whose content is in connector_user_range. Which days it governs is decided when the
 * view is computed, from the connection's periods (R8, R10), so a lifecycle event arriving
 * after its snapshots changes the view and never the stored data.
 */
@Entity({ tableName: 'connector_snapshot' })
@Index({ properties: ['connectionId', 'asOf'] })
export class ConnectorSnapshot {
  [OptionalProps]?: 'activeUsers' | 'tiers' | 'recordedAt';

  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @PrimaryKey({ type: 'text' })
  syncId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'datetime' })
  asOf!: Date;

  /** `applied`, or `superseded` by another snapshot with the same asOf and a greater syncId. */
  @Property({ type: 'text' })
  state!: string;

  @Property({ type: 'integer' })
  users!: number;

  /** Users holding a seat (R13), counted when applied: the view reads these, never the ranges. */
  @Property({ type: 'integer', default: 0 })
  activeUsers!: number;

  /** Seats per license tier (users without a tier are counted in activeUsers only). */
  @Property({ type: 'json', defaultRaw: `'{}'` })
  tiers!: Record<string, number>;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  recordedAt!: Date;
}
