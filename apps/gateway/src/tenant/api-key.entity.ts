import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { KeyScope } from '@org/contracts';

/** A tenant key (SPEC §5), stored as its SHA-256: the key itself is shown once and never kept. */
@Entity({ tableName: 'api_key' })
@Index({ properties: ['tenantId'] })
export class ApiKey {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Keys carry 256 random bits, so a plain SHA-256 cannot be brute-forced. */
  @Unique()
  @Property({ type: 'text' })
  keyHash!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  name!: string;

  /** `admin` may change anything of its tenant; `read` only reads. */
  @Property({ type: 'text' })
  scope!: KeyScope;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  /** Written in batches (TenantKeys), not on every request: up to a few seconds behind. */
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
