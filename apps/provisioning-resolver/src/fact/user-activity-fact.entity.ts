import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The latest non-social SSO login of one user on one instance (sso.user-activity.v1), one
 * half of R17's last activity (engagement usage is the other). Connector users are matched
 * to it by e-mail, case-insensitive: hence the index on `lower(email)`.
 */
@Entity({ tableName: 'user_activity_fact' })
@Index({
  name: 'user_activity_fact_email_index',
  properties: ['instanceId', 'email'],
  expression:
    'create index "user_activity_fact_email_index" on "provisioning_resolver"."user_activity_fact" ("instance_id", lower("email"))',
})
export class UserActivityFact {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'datetime' })
  lastLoginAt!: Date;
}
