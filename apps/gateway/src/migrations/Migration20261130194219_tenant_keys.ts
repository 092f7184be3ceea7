import { Migration } from '@mikro-orm/migrations';

export class Migration20261130194219_tenant_keys extends Migration {
  override name = 'Migration20261130194219_tenant_keys';

  override up(): void | Promise<void> {
    this.addSql(`alter table "gateway"."api_key" drop constraint "api_key_pkey";`);
    // Keys made before keys had ids, names and scopes: each tenant's first key, which SPEC §5 makes admin.
    this.addSql(
      `alter table "gateway"."api_key" add "id" uuid not null default gen_random_uuid(), add "name" text not null default 'First key', add "scope" text not null default 'admin', add "last_used_at" timestamptz null;`,
    );
    this.addSql(
      `alter table "gateway"."api_key" alter column "id" drop default, alter column "name" drop default, alter column "scope" drop default;`,
    );
    this.addSql(`alter table "gateway"."api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);
    this.addSql(`alter table "gateway"."api_key" add primary key ("id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "gateway"."api_key" drop constraint "api_key_key_hash_unique";`);
    this.addSql(`alter table "gateway"."api_key" drop constraint "api_key_pkey";`);
    this.addSql(
      `alter table "gateway"."api_key" drop column "id", drop column "name", drop column "scope", drop column "last_used_at";`,
    );
    this.addSql(`alter table "gateway"."api_key" add primary key ("key_hash");`);
  }
}
