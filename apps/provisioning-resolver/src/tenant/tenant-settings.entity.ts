import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The time zone days are counted in (tenants.v1). */
@Entity({ tableName: 'tenant_settings' })
export class TenantSettings {
  @PrimaryKey({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  timeZone!: string;
}
