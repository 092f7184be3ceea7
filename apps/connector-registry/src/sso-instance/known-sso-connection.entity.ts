import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** What the registry knows of a tenant's SSO connections, from sso.instances.v1 (R4). */
@Entity({ tableName: 'known_sso_connection' })
@Index({ properties: ['tenantId'] })
export class KnownSsoConnection {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'boolean' })
  removed!: boolean;
}
