import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** An SSO instance sso-ingest announced (sso.instances.v1): what the API answers 404 for, and whose tenant it is. */
@Entity({ tableName: 'instance_fact' })
export class InstanceFact {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  /** Its first login of any kind: R14's `activeUsers` is null before that day, 0 after it without activity. */
  @Property({ type: 'datetime', nullable: true })
  firstLoginAt!: Date | null;

  /** Null until the first sso.instance.changed that carries it (rows before these columns existed). */
  @Property({ type: 'text', nullable: true })
  appKey!: string | null;

  @Property({ type: 'text', nullable: true })
  appName!: string | null;

  /** When its earliest complete assignment list was taken: from then on R18's `orphaned` applies. */
  @Property({ type: 'datetime', nullable: true })
  firstAssignmentListAt!: Date | null;
}
