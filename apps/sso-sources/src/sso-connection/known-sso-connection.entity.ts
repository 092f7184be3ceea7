import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A tenant's SSO connection as sso-ingest announces it (sso.instances.v1): sources attach to these. */
@Entity({ tableName: 'known_sso_connection' })
@Index({ properties: ['tenantId'] })
export class KnownSsoConnection {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text', nullable: true })
  platform!: string | null;

  @Property({ type: 'boolean' })
  removed!: boolean;
}
