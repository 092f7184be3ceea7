import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * What a tenant set for reclaiming an instance's seats (R18, R19): its own inactivity
 * threshold (null: the tenant's), exempt users, and prices. Changes no view day (R20).
 */
@Entity({ tableName: 'reclamation_settings' })
export class ReclamationSettings {
  @PrimaryKey({ type: 'uuid' })
  instanceId!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'integer', nullable: true })
  inactiveAfterDays!: number | null;

  /** As given; compared lower-cased (R17). */
  @Property({ type: 'json' })
  exemptEmails!: string[];

  /** ISO 4217. */
  @Property({ type: 'text' })
  currency!: string;

  @Property({ type: 'double', nullable: true })
  defaultMonthlyPrice!: number | null;

  @Property({ type: 'json' })
  tierMonthlyPrices!: Record<string, number>;
}

/** An instance nobody set anything for: the tenant's threshold, no exemptions, no prices. */
export const NO_RECLAMATION_SETTINGS = {
  inactiveAfterDays: null,
  exemptEmails: [],
  currency: 'USD',
  defaultMonthlyPrice: null,
  tierMonthlyPrices: {},
} satisfies Omit<ReclamationSettings, 'instanceId' | 'tenantId'>;
