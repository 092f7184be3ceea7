import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { Period } from '@org/contracts';
import { PeriodsType } from './connection-periods';

/** A connection as connector-registry last described it (registry.connections.v1): periods included. */
@Entity({ tableName: 'connection_fact' })
@Index({ properties: ['instanceId'] })
export class ConnectionFact {
  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  kind!: string;

  @Property({ type: 'boolean' })
  supportsLicenseTiers!: boolean;

  @Property({ type: 'text' })
  status!: string;

  @Property({ type: PeriodsType })
  periods!: Period[];

  /** Deleted and its data purged: no generation of the view shows it any more. */
  @Property({ type: 'boolean', default: false })
  purged!: boolean;

  /** The registry's effective time of this state: an older event never overwrites a newer one. */
  @Property({ type: 'datetime' })
  effectiveAt!: Date;
}
