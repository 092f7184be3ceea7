import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The SSO estimate of one user on one instance (sso.estimates.v1, each message replacing the
 * last). Its days are a PostgreSQL `datemultirange`, so "who is estimated on day D" is
 * `days @> D` on the GiST index (`btree_gist` puts the instance beside it).
 */
@Entity({ tableName: 'estimate_fact' })
@Index({ name: 'estimate_fact_instance_days_index', properties: ['instanceId', 'days'], type: 'gist' })
export class EstimateFact {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  email!: string;

  /** PostgreSQL's text form, e.g. `{[2026-01-01,2026-05-01),[2026-06-01,)}` (see `dayMultirange`). */
  @Property({ columnType: 'datemultirange', type: 'unknown' })
  days!: string;
}
