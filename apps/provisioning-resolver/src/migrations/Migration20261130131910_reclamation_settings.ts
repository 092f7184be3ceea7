import { Migration } from '@mikro-orm/migrations';

export class Migration20261130131910_reclamation_settings extends Migration {
  override name = 'Migration20261130131910_reclamation_settings';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "provisioning_resolver"."reclamation_settings" ("instance_id" uuid not null, "tenant_id" text not null, "inactive_after_days" int null, "exempt_emails" jsonb not null, "currency" text not null, "default_monthly_price" double precision null, "tier_monthly_prices" jsonb not null, primary key ("instance_id"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "provisioning_resolver"."reclamation_settings" cascade;`);
  }
}
