import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A connected period of a connection: [from, to), `to` null while open. Periods of one
 * instance never overlap: an exclusion constraint on (instance, range), in the migration.
 */
@Entity({ tableName: 'connection_period' })
export class ConnectionPeriod {
  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @PrimaryKey({ type: 'datetime' })
  from!: Date;

  @Property({ type: 'datetime', nullable: true })
  to!: Date | null;

  @Property({ type: 'uuid' })
  instanceId!: string;
}
