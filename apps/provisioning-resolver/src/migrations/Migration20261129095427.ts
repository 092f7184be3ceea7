import { Migration } from '@mikro-orm/migrations';

export class Migration20261129095427 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "provisioning_resolver";`);
    this.addSql(
      `create table "provisioning_resolver"."outbox_event" ("seq" bigserial primary key, "topic" text not null, "key" text not null, "value" jsonb not null, "created_at" timestamptz not null default now());`,
    );

    this.addSql(
      `create table "provisioning_resolver"."processed_event" ("event_id" uuid not null, "topic" text not null, "processed_at" timestamptz not null default now(), constraint "processed_event_pkey" primary key ("event_id"));`,
    );
    this.addSql(
      `create index "processed_event_processed_at_index" on "provisioning_resolver"."processed_event" ("processed_at");`,
    );
  }
}
