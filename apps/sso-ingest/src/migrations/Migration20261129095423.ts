import { Migration } from '@mikro-orm/migrations';

export class Migration20261129095423 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "sso_ingest";`);
    this.addSql(
      `create table "sso_ingest"."assignment_page" ("instance_id" uuid not null, "sync_id" text not null, "page" int not null, "tenant_id" text not null, "page_count" int not null, "as_of" timestamptz not null, "users" jsonb not null, constraint "assignment_page_pkey" primary key ("instance_id", "sync_id", "page"));`,
    );

    this.addSql(
      `create table "sso_ingest"."login" ("event_id" uuid not null, "tenant_id" text not null, "instance_id" uuid not null, "user_id" text not null, "email" text not null, "method" text not null, "at" timestamptz not null, constraint "login_pkey" primary key ("event_id"));`,
    );
    this.addSql(
      `create index "login_instance_id_user_id_at_index" on "sso_ingest"."login" ("instance_id", "user_id", "at");`,
    );

    this.addSql(
      `create table "sso_ingest"."outbox_event" ("seq" bigserial primary key, "topic" text not null, "key" text not null, "value" jsonb not null, "created_at" timestamptz not null default now());`,
    );

    this.addSql(
      `create table "sso_ingest"."processed_event" ("event_id" uuid not null, "topic" text not null, "processed_at" timestamptz not null default now(), constraint "processed_event_pkey" primary key ("event_id"));`,
    );
    this.addSql(
      `create index "processed_event_processed_at_index" on "sso_ingest"."processed_event" ("processed_at");`,
    );

    this.addSql(
      `create table "sso_ingest"."sso_connection" ("id" uuid not null, "tenant_id" text not null, "platform" text not null, "name" text not null, "created_at" timestamptz not null, "deleted_at" timestamptz null, constraint "sso_connection_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "sso_connection_tenant_id_created_at_index" on "sso_ingest"."sso_connection" ("tenant_id", "created_at");`,
    );

    this.addSql(
      `create table "sso_ingest"."sso_instance" ("id" uuid not null, "tenant_id" text not null, "sso_connection_id" uuid not null, "sso_app_id" text not null, "app_key" text not null, "app_name" text not null, "has_non_social_logins" boolean not null, "last_login_at" timestamptz null, constraint "sso_instance_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "sso_ingest"."sso_instance" add constraint "sso_instance_tenant_id_sso_connection_id_sso_app_id_unique" unique ("tenant_id", "sso_connection_id", "sso_app_id");`,
    );
  }
}
