import { Migration } from '@mikro-orm/migrations';

export class Migration20261129111223_connections extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "connector_registry"."connection" ("id" uuid not null, "tenant_id" text not null, "instance_id" uuid not null, "app_key" text not null, "kind" text not null, "vendor" text not null, "supports_license_tiers" boolean not null, "status" text not null, "created_at" timestamptz not null, "changed_at" timestamptz not null, constraint "connection_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create unique index "connection_one_live_per_instance" on "connector_registry"."connection" ("instance_id") where "status" <> 'deleted';`,
    );
    this.addSql(
      `create index "connection_tenant_id_created_at_index" on "connector_registry"."connection" ("tenant_id", "created_at");`,
    );

    this.addSql(
      `create table "connector_registry"."connection_period" ("connection_id" uuid not null, "from" timestamptz not null, "to" timestamptz null, "instance_id" uuid not null, constraint "connection_period_pkey" primary key ("connection_id", "from"));`,
    );
    // Written by hand (MikroORM has no exclusion constraints): the connected periods of one
    // instance never overlap, whatever the connection, enforced by the database (R6, SPEC §5).
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`alter table "connector_registry"."connection_period" add constraint "connection_period_no_overlap"
      exclude using gist ("instance_id" with =, tstzrange("from", coalesce("to", 'infinity'), '[)') with &&);`);
    this.addSql(`alter table "connector_registry"."connection_period" add constraint "connection_period_ordered"
      check ("to" is null or "to" > "from");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "connector_registry"."connection" cascade;`);

    this.addSql(`drop table if exists "connector_registry"."connection_period" cascade;`);
  }
}
