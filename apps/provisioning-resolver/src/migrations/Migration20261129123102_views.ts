import { Migration } from '@mikro-orm/migrations';

export class Migration20261129123102_views extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "provisioning_resolver"."connector_snapshot" ("connection_id" uuid not null, "sync_id" text not null, "tenant_id" text not null, "as_of" timestamptz not null, "state" text not null, "users" int not null, "recorded_at" timestamptz not null default now(), constraint "connector_snapshot_pkey" primary key ("connection_id", "sync_id"));`,
    );
    this.addSql(
      `create index "connector_snapshot_connection_id_as_of_index" on "provisioning_resolver"."connector_snapshot" ("connection_id", "as_of");`,
    );

    this.addSql(
      `create table "provisioning_resolver"."connector_user" ("connection_id" uuid not null, "user_id" text not null, "tenant_id" text not null, "ranges" jsonb not null, constraint "connector_user_pkey" primary key ("connection_id", "user_id"));`,
    );

    this.addSql(
      `create table "provisioning_resolver"."instance_fact" ("instance_id" uuid not null, "tenant_id" text not null, constraint "instance_fact_pkey" primary key ("instance_id"));`,
    );

    this.addSql(
      `create table "provisioning_resolver"."snapshot_page" ("connection_id" uuid not null, "sync_id" text not null, "page" int not null, "page_count" int not null, "tenant_id" text not null, "as_of" timestamptz not null, "received_at" timestamptz not null default now(), "event" jsonb not null, constraint "snapshot_page_pkey" primary key ("connection_id", "sync_id", "page"));`,
    );
    this.addSql(
      `create index "snapshot_page_received_at_index" on "provisioning_resolver"."snapshot_page" ("received_at");`,
    );

    this.addSql(
      `create table "provisioning_resolver"."usage_fact" ("connection_id" uuid not null, "day" date not null, "user_id" text not null, "tenant_id" text not null, "events" int not null, "event_id" uuid not null, "received_at" timestamptz not null default now(), constraint "usage_fact_pkey" primary key ("connection_id", "day", "user_id"));`,
    );
    this.addSql(`create index "usage_fact_received_at_index" on "provisioning_resolver"."usage_fact" ("received_at");`);

    this.addSql(
      `create table "provisioning_resolver"."view_day" ("instance_id" uuid not null, "generation" int not null, "day" date not null, "source" text not null, "connection_id" uuid null, "connection_kind" text null, "provisioned_users" int not null, "tiers" jsonb null, "active_users" int null, "stale_days" int null, "awaiting_first_sync" boolean not null, "snapshot_at" bigint null, constraint "view_day_pkey" primary key ("instance_id", "generation", "day"));`,
    );

    this.addSql(
      `create table "provisioning_resolver"."view_state" ("instance_id" uuid not null, "tenant_id" text not null, "generation" int not null default 1, "first_day" date not null, "last_day" date not null, "rebuild_generation" int null, "rebuild_cursor" date null, "rebuild_progress" double precision not null default 0, "rebuild_reason" text null, "rebuild_connection_id" uuid null, constraint "view_state_pkey" primary key ("instance_id"));`,
    );

    this.addSql(
      `alter table "provisioning_resolver"."connection_fact" add column "purged" boolean not null default false;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "provisioning_resolver"."connector_snapshot" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."connector_user" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."instance_fact" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."snapshot_page" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."usage_fact" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."view_day" cascade;`);

    this.addSql(`drop table if exists "provisioning_resolver"."view_state" cascade;`);

    this.addSql(`alter table "provisioning_resolver"."connection_fact" drop column "purged";`);
  }
}
