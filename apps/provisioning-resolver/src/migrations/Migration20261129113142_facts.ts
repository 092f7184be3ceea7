import { Migration } from '@mikro-orm/migrations';

export class Migration20261129113142_facts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "provisioning_resolver"."activity_fact" ("instance_id" uuid not null, "day" date not null, "tenant_id" text not null, "active_users" int not null, constraint "activity_fact_pkey" primary key ("instance_id", "day"));`,
    );

    this.addSql(
      `create table "provisioning_resolver"."connection_fact" ("connection_id" uuid not null, "tenant_id" text not null, "instance_id" uuid not null, "kind" text not null, "supports_license_tiers" boolean not null, "status" text not null, "periods" jsonb not null, "effective_at" timestamptz not null, constraint "connection_fact_pkey" primary key ("connection_id"));`,
    );
    this.addSql(
      `create index "connection_fact_instance_id_index" on "provisioning_resolver"."connection_fact" ("instance_id");`,
    );

    this.addSql(
      `create table "provisioning_resolver"."estimate_fact" ("instance_id" uuid not null, "user_id" text not null, "tenant_id" text not null, "email" text not null, "intervals" jsonb not null, constraint "estimate_fact_pkey" primary key ("instance_id", "user_id"));`,
    );

    this.addSql(
      `create table "provisioning_resolver"."tenant_settings" ("tenant_id" text not null, "time_zone" text not null, constraint "tenant_settings_pkey" primary key ("tenant_id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "provisioning_resolver"."activity_fact" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."connection_fact" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."estimate_fact" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."tenant_settings" cascade;`);
  }
}
