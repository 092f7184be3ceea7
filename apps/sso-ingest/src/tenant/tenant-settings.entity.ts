import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The tenant settings estimates are derived with, from tenants.v1 (the gateway owns tenants). */
@Entity({ tableName: 'tenant_settings' })
export class TenantSettings {
  @PrimaryKey({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  timeZone!: string;

  @Property({ type: 'integer' })
  estimateWindowDays!: number;
}
