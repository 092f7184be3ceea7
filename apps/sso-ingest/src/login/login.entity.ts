import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** A login as the SSO platform reported it; the estimates (R1) are derived from these. */
@Entity({ tableName: 'login' })
@Index({ properties: ['instanceId', 'userId', 'at'] })
export class Login {
  /** The event id: a login resent under the same id is stored once. */
  @PrimaryKey({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  userId!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text' })
  method!: 'sso' | 'social';

  @Property({ type: 'datetime' })
  at!: Date;
}
