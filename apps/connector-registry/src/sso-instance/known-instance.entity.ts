import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** An SSO-connected instance as sso-ingest announced it; connections attach to these (R3). */
@Entity({ tableName: 'known_instance' })
@Index({ properties: ['tenantId', 'appKey'] })
export class KnownInstance {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  ssoConnectionId!: string;

  @Property({ type: 'text' })
  ssoAppId!: string;

  @Property({ type: 'text' })
  appKey!: string;

  @Property({ type: 'text' })
  appName!: string;

  @Property({ type: 'boolean' })
  hasNonSocialLogins!: boolean;

  @Property({ type: 'datetime', nullable: true })
  lastLoginAt!: Date | null;
}
