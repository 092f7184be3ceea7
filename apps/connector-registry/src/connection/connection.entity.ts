import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A direct connector attached to one SSO instance (R3). An instance holds at most one
 * connection that is not deleted (R6): a partial unique index, so of two concurrent
 * connects the database lets exactly one in.
 */
@Entity({ tableName: 'connection' })
@Index({ properties: ['tenantId', 'createdAt'] })
@Index({
  name: 'connection_one_live_per_instance',
  properties: ['instanceId'],
  expression:
    'create unique index "connection_one_live_per_instance" on "connector_registry"."connection" ("instance_id") where "status" <> \'deleted\'',
})
export class Connection {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  appKey!: string;

  @Property({ type: 'text' })
  kind!: 'provisioning' | 'engagement';

  @Property({ type: 'text' })
  vendor!: string;

  @Property({ type: 'boolean' })
  supportsLicenseTiers!: boolean;

  @Property({ type: 'text' })
  status!: 'connected' | 'disconnected' | 'deleted';

  @Property({ type: 'datetime' })
  createdAt!: Date;

  /** When the last lifecycle change took effect (connect, disconnect, reconnect, delete). */
  @Property({ type: 'datetime' })
  changedAt!: Date;
}
