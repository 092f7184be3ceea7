import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The SSO estimate of one user on one instance (sso.estimates.v1, each message replacing the last). */
@Entity({ tableName: 'estimate_fact' })
export class EstimateFact {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @PrimaryKey({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'json' })
  intervals!: Array<{ from: string; to: string | null }>;
}
