import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The tenant's settings the resolver computes with (tenants.v1): the zone days are counted in, R18's default. */
@Entity({ tableName: 'tenant_settings' })
export class TenantSettings {
  @PrimaryKey({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  timeZone!: string;

  @Property({ type: 'integer', default: 60 })
  inactiveAfterDays!: number;
}
