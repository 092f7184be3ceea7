import { Migration } from '@mikro-orm/migrations';

export class Migration20261130164748 extends Migration {
  override name = 'Migration20261130164748';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "sso_sources";`);
    this.addSql(
      `create table "sso_sources"."known_app" ("sso_connection_id" uuid not null, "sso_app_id" text not null, "tenant_id" text not null, "app_key" text not null, "app_name" text not null, primary key ("sso_connection_id", "sso_app_id"));`,
    );

    this.addSql(
      `create table "sso_sources"."known_sso_connection" ("id" uuid not null, "tenant_id" text not null, "platform" text null, "removed" boolean not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "known_sso_connection_tenant_id_index" on "sso_sources"."known_sso_connection" ("tenant_id");`,
    );

    this.addSql(
      `create table "sso_sources"."outbox_event" ("seq" bigserial primary key, "topic" text not null, "key" text not null, "value" jsonb not null, "created_at" timestamptz not null default now());`,
    );

    this.addSql(
      `create table "sso_sources"."processed_event" ("event_id" uuid not null, "topic" text not null, "processed_at" timestamptz not null default now(), primary key ("event_id"));`,
    );
    this.addSql(
      `create index "processed_event_processed_at_index" on "sso_sources"."processed_event" ("processed_at");`,
    );

    this.addSql(
      `create table "sso_sources"."sso_source" ("sso_connection_id" uuid not null, "tenant_id" text not null, "platform" text not null, "settings" jsonb not null, "sealed_secret" text not null, "generation" int not null, "checkpoint" jsonb null, "state" text not null, "next_poll_at" timestamptz not null, "next_assignments_at" timestamptz not null, "leased_until" timestamptz null, "last_polled_at" timestamptz null, "caught_up_at" timestamptz null, "last_event_at" timestamptz null, "events_pulled" bigint not null, "failures" int not null, "last_error" text null, primary key ("sso_connection_id"));`,
    );
    this.addSql(`create index "sso_source_tenant_id_index" on "sso_sources"."sso_source" ("tenant_id");`);
    this.addSql(`create index "sso_source_next_poll_at_index" on "sso_sources"."sso_source" ("next_poll_at");`);
  }
}
