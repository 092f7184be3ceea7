import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The non-social logins of one user on one instance (R2: social logins never count), as the
 * sorted distinct quarter hours they happened in: compact, idempotent to resends (a set), and
 * enough to place every login on its day again when the tenant changes time zone. The latest
 * login itself (instant and e-mail) is the user's activity (R17), published on
 * sso.user-activity.v1: `version` moves when it does, `publishedVersion` once the topic has it.
 */
@Entity({ tableName: 'login_history' })
@Index({
  name: 'login_history_unpublished',
  properties: ['instanceId', 'userId'],
  expression:
    'create index "login_history_unpublished" on "sso_ingest"."login_history" ("instance_id", "user_id") where "version" > "published_version"',
})
export class LoginHistory {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ columnType: 'int[]', type: 'unknown' })
  quarters!: number[];

  /** The latest non-social login; `email` is that login's. */
  @Property({ type: 'datetime' })
  lastLoginAt!: Date;

  @Property({ type: 'integer', default: 1 })
  version!: number;

  @Property({ type: 'integer', default: 0 })
  publishedVersion!: number;
}
