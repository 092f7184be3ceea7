import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/** One SSO-connected instance of an application: (SSO connection, SSO app id). */
@Entity({ tableName: 'sso_instance' })
@Unique({ properties: ['tenantId', 'ssoConnectionId', 'ssoAppId'] })
export class SsoInstance {
  /** instanceIdOf(tenant, SSO connection, SSO app id): the same in every service. */
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

  /** R2: only non-social logins count as login data. */
  @Property({ type: 'boolean' })
  hasNonSocialLogins!: boolean;

  @Property({ type: 'datetime', nullable: true })
  lastLoginAt!: Date | null;

  /** The first login of any kind, social too (R14). */
  @Property({ type: 'datetime', nullable: true })
  firstLoginAt!: Date | null;

  /** When its earliest complete assignment list was taken: from then on its estimate is the lists (R1, R18's `orphaned`). */
  @Property({ type: 'datetime', nullable: true })
  firstAssignmentListAt!: Date | null;

  /** Published on sso.instances.v1 up to this version (the row is its own outbox entry). */
  @Property({ type: 'integer', default: 1 })
  version!: number;

  @Property({ type: 'integer', default: 0 })
  publishedVersion!: number;

  /** The tenant settings its estimates and activity were derived with; re-derived when they differ. */
  @Property({ type: 'text', nullable: true })
  derivedTimeZone!: string | null;

  @Property({ type: 'integer', nullable: true })
  derivedWindowDays!: number | null;
}
