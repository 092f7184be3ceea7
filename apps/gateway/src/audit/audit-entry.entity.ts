import { BigIntType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { AuditAction, AuditTarget } from '@org/contracts';

/** One change made through the API (SPEC §5 `GET /v1/audit`), as audit.v1 brought it. */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['tenantId', 'at', 'seq'] })
export class AuditEntry {
  /**
   * In the order they arrived: one tenant's records share a partition, and a transaction's
   * records leave its outbox in order, so this orders changes made within the same millisecond.
   */
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  seq!: string;

  /** The audit.v1 event's id: a redelivered event is kept once. */
  @Unique()
  @Property({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'datetime' })
  at!: Date;

  @Property({ type: 'uuid', nullable: true })
  keyId!: string | null;

  @Property({ type: 'text' })
  action!: AuditAction;

  @Property({ type: 'json' })
  target!: AuditTarget;

  @Property({ type: 'json' })
  details!: Record<string, unknown>;
}
