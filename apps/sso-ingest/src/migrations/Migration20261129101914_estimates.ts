import { Migration } from '@mikro-orm/migrations';

export class Migration20261129101914_estimates extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sso_ingest"."activity" ("instance_id" uuid not null, "day" int not null, "tenant_id" text not null, "active_users" int not null, "version" int not null default 1, "published_version" int not null default 0, constraint "activity_pkey" primary key ("instance_id", "day"));`,
    );
    this.addSql(
      `create index "activity_unpublished" on "sso_ingest"."activity" ("instance_id", "day") where "version" > "published_version";`,
    );

    this.addSql(
      `create table "sso_ingest"."assignment_list" ("instance_id" uuid not null, "day" int not null, "as_of" timestamptz not null, "sync_id" text not null, constraint "assignment_list_pkey" primary key ("instance_id", "day"));`,
    );

    this.addSql(
      `create table "sso_ingest"."assignment_membership" ("instance_id" uuid not null, "user_id" text not null, "email" text not null, "ranges" jsonb not null, constraint "assignment_membership_pkey" primary key ("instance_id", "user_id"));`,
    );

    this.addSql(
      `create table "sso_ingest"."estimate" ("instance_id" uuid not null, "user_id" text not null, "tenant_id" text not null, "email" text not null, "ranges" jsonb not null, "version" int not null default 1, "published_version" int not null default 0, constraint "estimate_pkey" primary key ("instance_id", "user_id"));`,
    );
    this.addSql(
      `create index "estimate_unpublished" on "sso_ingest"."estimate" ("instance_id", "user_id") where "version" > "published_version";`,
    );

    this.addSql(
      `create table "sso_ingest"."instance_connection" ("connection_id" uuid not null, "instance_id" uuid not null, "tenant_id" text not null, "status" text not null, constraint "instance_connection_pkey" primary key ("connection_id"));`,
    );
    this.addSql(
      `create index "instance_connection_instance_id_index" on "sso_ingest"."instance_connection" ("instance_id");`,
    );

    this.addSql(
      `create table "sso_ingest"."login_history" ("instance_id" uuid not null, "user_id" text not null, "tenant_id" text not null, "email" text not null, "quarters" int[] not null, constraint "login_history_pkey" primary key ("instance_id", "user_id"));`,
    );

    this.addSql(
      `create table "sso_ingest"."tenant_settings" ("tenant_id" text not null, "time_zone" text not null, "estimate_window_days" int not null, constraint "tenant_settings_pkey" primary key ("tenant_id"));`,
    );

    this.addSql(`drop table if exists "sso_ingest"."login" cascade;`);

    this.addSql(
      `alter table "sso_ingest"."sso_instance" add column "version" int not null default 1, add column "published_version" int not null default 0, add column "derived_time_zone" text null, add column "derived_window_days" int null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `create table "sso_ingest"."login" ("event_id" uuid not null, "tenant_id" text not null, "instance_id" uuid not null, "user_id" text not null, "email" text not null, "method" text not null, "at" timestamptz not null, constraint "login_pkey" primary key ("event_id"));`,
    );
    this.addSql(
      `create index "login_instance_id_user_id_at_index" on "sso_ingest"."login" ("instance_id", "user_id", "at");`,
    );

    this.addSql(`drop table if exists "sso_ingest"."activity" cascade;`);

    this.addSql(`drop table if exists "sso_ingest"."assignment_list" cascade;`);

    this.addSql(`drop table if exists "sso_ingest"."assignment_membership" cascade;`);

    this.addSql(`drop table if exists "sso_ingest"."estimate" cascade;`);

    this.addSql(`drop table if exists "sso_ingest"."instance_connection" cascade;`);

    this.addSql(`drop table if exists "sso_ingest"."login_history" cascade;`);

    this.addSql(`drop table if exists "sso_ingest"."tenant_settings" cascade;`);

    this.addSql(
      `alter table "sso_ingest"."sso_instance" drop column "version", drop column "published_version", drop column "derived_time_zone", drop column "derived_window_days";`,
    );
  }
}
