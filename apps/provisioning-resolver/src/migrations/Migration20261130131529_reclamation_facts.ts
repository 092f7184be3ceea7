import { Migration } from '@mikro-orm/migrations';

export class Migration20261130131529_reclamation_facts extends Migration {
  override name = 'Migration20261130131529_reclamation_facts';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "provisioning_resolver"."user_activity_fact" ("instance_id" uuid not null, "user_id" text not null, "tenant_id" text not null, "email" text not null, "last_login_at" timestamptz not null, primary key ("instance_id", "user_id"));`,
    );
    this.addSql(
      `create index "user_activity_fact_email_index" on "provisioning_resolver"."user_activity_fact" ("instance_id", lower("email"));`,
    );
    this.addSql(
      `alter table "provisioning_resolver"."tenant_settings" add "inactive_after_days" int not null default 60;`,
    );
    this.addSql(
      `alter table "provisioning_resolver"."instance_fact" add "app_key" text null, add "app_name" text null, add "first_assignment_list_at" timestamptz null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "provisioning_resolver"."instance_fact" drop column "app_key", drop column "app_name", drop column "first_assignment_list_at";`,
    );
    this.addSql(`alter table "provisioning_resolver"."tenant_settings" drop column "inactive_after_days";`);
    this.addSql(`drop table if exists "provisioning_resolver"."user_activity_fact" cascade;`);
  }
}
