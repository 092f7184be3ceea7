import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A direct connection attached to an instance, from registry.connections.v1 (SSO_CONNECTION_IN_USE). */
@Entity({ tableName: 'instance_connection' })
@Index({ properties: ['instanceId'] })
export class InstanceConnection {
  @PrimaryKey({ type: 'uuid' })
  connectionId!: string;

  @Property({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  status!: string;
}
