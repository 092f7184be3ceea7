import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * An app of an SSO connection that has had logins (an instance, sso.instances.v1): the apps
 * whose assignment lists a source pulls, whoever produced their logins.
 */
@Entity({ tableName: 'known_app' })
export class KnownApp {
  @PrimaryKey({ type: 'uuid' })
  ssoConnectionId!: string;

  @PrimaryKey({ type: 'text' })
  ssoAppId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  appKey!: string;

  @Property({ type: 'text' })
  appName!: string;
}
