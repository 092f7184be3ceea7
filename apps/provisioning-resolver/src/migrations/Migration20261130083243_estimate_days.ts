import { Migration } from '@mikro-orm/migrations';

/**
 * Estimated days from a JSON array of `{from, to}` (inclusive, `to` null while open) to a
 * `datemultirange` with a GiST index, existing rows converted (and back on `down`).
 */
export class Migration20261130083243_estimate_days extends Migration {
  override name = 'Migration20261130083243_estimate_days';

  override up(): void | Promise<void> {
    // btree_gist: the uuid beside the multirange in one GiST index (the registry uses it too).
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`alter table "provisioning_resolver"."estimate_fact" add "days" datemultirange null;`);
    this.addSql(`update "provisioning_resolver"."estimate_fact" e set "days" = coalesce(
      (select range_agg(daterange((i->>'from')::date, (i->>'to')::date + 1, '[)'))
       from jsonb_array_elements(e."intervals") i),
      '{}'::datemultirange);`);
    this.addSql(`alter table "provisioning_resolver"."estimate_fact" alter column "days" set not null;`);
    this.addSql(`alter table "provisioning_resolver"."estimate_fact" drop column "intervals";`);
    this.addSql(
      `create index "estimate_fact_instance_days_index" on "provisioning_resolver"."estimate_fact" using gist ("instance_id", "days");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "provisioning_resolver"."estimate_fact_instance_days_index";`);
    this.addSql(`alter table "provisioning_resolver"."estimate_fact" add "intervals" jsonb null;`);
    this.addSql(`update "provisioning_resolver"."estimate_fact" e set "intervals" = coalesce(
      (select jsonb_agg(jsonb_build_object('from', lower(r)::text, 'to', (upper(r) - 1)::text) order by lower(r))
       from unnest(e."days") r),
      '[]'::jsonb);`);
    this.addSql(`alter table "provisioning_resolver"."estimate_fact" alter column "intervals" set not null;`);
    this.addSql(`alter table "provisioning_resolver"."estimate_fact" drop column "days";`);
  }
}
