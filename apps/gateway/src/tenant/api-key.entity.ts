import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A tenant key, stored as its SHA-256: the key itself is shown once and never kept. */
@Entity({ tableName: 'api_key' })
@Index({ properties: ['tenantId'] })
export class ApiKey {
  /** Keys carry 256 random bits, so a plain SHA-256 cannot be brute-forced. */
  @PrimaryKey({ type: 'text' })
  keyHash!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
