import { Migration } from '@mikro-orm/migrations';

export class Migration20261129095425 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "connector_registry";`);
    this.addSql(
      `create table "connector_registry"."known_instance" ("id" uuid not null, "tenant_id" text not null, "sso_connection_id" uuid not null, "sso_app_id" text not null, "app_key" text not null, "app_name" text not null, "has_non_social_logins" boolean not null, "last_login_at" timestamptz null, constraint "known_instance_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "known_instance_tenant_id_app_key_index" on "connector_registry"."known_instance" ("tenant_id", "app_key");`,
    );

    this.addSql(
      `create table "connector_registry"."known_sso_connection" ("id" uuid not null, "tenant_id" text not null, "removed" boolean not null, constraint "known_sso_connection_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "known_sso_connection_tenant_id_index" on "connector_registry"."known_sso_connection" ("tenant_id");`,
    );

    this.addSql(
      `create table "connector_registry"."outbox_event" ("seq" bigserial primary key, "topic" text not null, "key" text not null, "value" jsonb not null, "created_at" timestamptz not null default now());`,
    );

    this.addSql(
      `create table "connector_registry"."processed_event" ("event_id" uuid not null, "topic" text not null, "processed_at" timestamptz not null default now(), constraint "processed_event_pkey" primary key ("event_id"));`,
    );
    this.addSql(
      `create index "processed_event_processed_at_index" on "connector_registry"."processed_event" ("processed_at");`,
    );
  }
}
