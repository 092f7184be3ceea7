import { Migration } from '@mikro-orm/migrations';

export class Migration20261130220018_audit extends Migration {
  override name = 'Migration20261130220018_audit';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "gateway"."audit_entry" ("seq" bigserial primary key, "id" uuid not null, "tenant_id" text not null, "at" timestamptz not null, "key_id" uuid null, "action" text not null, "target" jsonb not null, "details" jsonb not null);`,
    );
    this.addSql(`alter table "gateway"."audit_entry" add constraint "audit_entry_id_unique" unique ("id");`);
    this.addSql(
      `create index "audit_entry_tenant_id_at_seq_index" on "gateway"."audit_entry" ("tenant_id", "at", "seq");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "gateway"."audit_entry" cascade;`);
  }
}
