import { Migration } from '@mikro-orm/migrations';

export class Migration20261129095429 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "gateway";`);
    this.addSql(
      `create table "gateway"."api_key" ("key_hash" text not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("key_hash"));`,
    );
    this.addSql(`create index "api_key_tenant_id_index" on "gateway"."api_key" ("tenant_id");`);

    this.addSql(
      `create table "gateway"."outbox_event" ("seq" bigserial primary key, "topic" text not null, "key" text not null, "value" jsonb not null, "created_at" timestamptz not null default now());`,
    );

    this.addSql(
      `create table "gateway"."processed_event" ("event_id" uuid not null, "topic" text not null, "processed_at" timestamptz not null default now(), constraint "processed_event_pkey" primary key ("event_id"));`,
    );
    this.addSql(`create index "processed_event_processed_at_index" on "gateway"."processed_event" ("processed_at");`);

    this.addSql(
      `create table "gateway"."tenant" ("id" uuid not null, "name" text not null, "time_zone" text not null, "estimate_window_days" int not null, "created_at" timestamptz not null, constraint "tenant_pkey" primary key ("id"));`,
    );
  }
}
