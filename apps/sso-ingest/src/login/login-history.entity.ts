import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The non-social logins of one user on one instance (R2: social logins never count), as the
 * sorted distinct quarter hours they happened in: compact, idempotent to resends (a set), and
 * enough to place every login on its day again when the tenant changes time zone.
 */
@Entity({ tableName: 'login_history' })
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
}
