import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A tenant's SSO platform connector; its logins and assignments then arrive over Kafka. */
@Entity({ tableName: 'sso_connection' })
@Index({ properties: ['tenantId', 'createdAt'] })
export class SsoConnection {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  platform!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  /** Set on delete; kept so late events for it are refused with a clear reason. */
  @Property({ type: 'datetime', nullable: true })
  deletedAt: Date | null = null;
}
