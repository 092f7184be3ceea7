import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { DayType } from '@org/database';

/** Users with a non-social SSO login per instance and day (sso.activity.v1): R14's active users without engagement data. */
@Entity({ tableName: 'activity_fact' })
export class ActivityFact {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: DayType })
  day!: number;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer' })
  activeUsers!: number;
}
