import type { Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Per instance and day: users with a non-social login that day (R14's active users without engagement data). */
@Entity({ tableName: 'activity' })
@Index({
  name: 'activity_unpublished',
  properties: ['instanceId', 'day'],
  expression:
    'create index "activity_unpublished" on "sso_ingest"."activity" ("instance_id", "day") where "version" > "published_version"',
})
export class Activity {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'integer' })
  day!: number;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer' })
  activeUsers!: number;

  @Property({ type: 'integer', default: 1 })
  version!: Opt<number>;

  @Property({ type: 'integer', default: 0 })
  publishedVersion!: Opt<number>;
}
