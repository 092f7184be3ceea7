import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The SSO estimate of one user on one instance (R1), as day ranges. `version` moves with each
 * change and `publishedVersion` once sso.estimates.v1 has it: the row is its own outbox entry,
 * so a burst of changes to one pair leaves as one message.
 */
@Entity({ tableName: 'estimate' })
@Index({
  name: 'estimate_unpublished',
  properties: ['instanceId', 'userId'],
  expression:
    'create index "estimate_unpublished" on "sso_ingest"."estimate" ("instance_id", "user_id") where "version" > "published_version"',
})
export class Estimate {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  email!: string;

  /** A `datemultirange`, in PostgreSQL's text form (`dateMultirangeOf` / `dayRangesOf`, libs/days). */
  @Property({ columnType: 'datemultirange', type: 'unknown' })
  ranges!: string;

  @Property({ type: 'integer', default: 1 })
  version!: number;

  @Property({ type: 'integer', default: 0 })
  publishedVersion!: number;
}
