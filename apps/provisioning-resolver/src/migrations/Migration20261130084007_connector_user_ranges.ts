import { Migration } from '@mikro-orm/migrations';

/**
 * Connector users from one row per user holding a JSON array of `{f, t, e, r, s}` (epoch ms,
 * `t` null while open) to one row per span, `during tstzrange`, existing rows converted (and
 * back on `down`), with a GiST index for "who at instant T" (`during @> T`).
 */
export class Migration20261130084007_connector_user_ranges extends Migration {
  override name = 'Migration20261130084007_connector_user_ranges';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "provisioning_resolver"."connector_user_range" ("connection_id" uuid not null, "user_id" text not null, "during" tstzrange not null, "tenant_id" text not null, "email" text not null, "tier" text null, "status" text not null, primary key ("connection_id", "user_id", "during"));`,
    );
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`insert into "provisioning_resolver"."connector_user_range"
        (connection_id, user_id, during, tenant_id, email, tier, status)
      select u.connection_id, u.user_id,
        tstzrange(to_timestamp((r->>'f')::bigint / 1000.0),
                  case when r->'t' = 'null'::jsonb then null else to_timestamp((r->>'t')::bigint / 1000.0) end, '[)'),
        u.tenant_id, r->>'e', r->>'r', r->>'s'
      from "provisioning_resolver"."connector_user" u cross join jsonb_array_elements(u.ranges) r;`);
    this.addSql(
      `create index "connector_user_range_during_index" on "provisioning_resolver"."connector_user_range" using gist ("connection_id", "during");`,
    );
    this.addSql(
      `create index "connector_user_range_open_index" on "provisioning_resolver"."connector_user_range" ("connection_id", "user_id") where upper_inf("during");`,
    );
    this.addSql(`drop table if exists "provisioning_resolver"."connector_user" cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(
      `create table "provisioning_resolver"."connector_user" ("connection_id" uuid not null, "user_id" text not null, "tenant_id" text not null, "ranges" jsonb not null, constraint "connector_user_pkey" primary key ("connection_id", "user_id"));`,
    );
    this.addSql(`insert into "provisioning_resolver"."connector_user" (connection_id, user_id, tenant_id, ranges)
      select connection_id, user_id, tenant_id, jsonb_agg(jsonb_build_object(
          'f', (extract(epoch from lower(during)) * 1000)::bigint,
          't', (extract(epoch from upper(during)) * 1000)::bigint,
          'e', email, 'r', tier, 's', status) order by lower(during))
      from "provisioning_resolver"."connector_user_range" group by connection_id, user_id, tenant_id;`);
    this.addSql(`drop table if exists "provisioning_resolver"."connector_user_range" cascade;`);
  }
}
