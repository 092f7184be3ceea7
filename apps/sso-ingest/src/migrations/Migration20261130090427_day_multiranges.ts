import { Migration } from '@mikro-orm/migrations';

/**
 * Estimates and assignment memberships from JSON arrays of day numbers (`{from, to}`, days since
 * 1970-01-01, `to` inclusive or null) to `datemultirange`, existing rows converted (and back on
 * `down`). A column type change cannot hold a subquery, hence the two helper functions.
 */
export class Migration20261130090427_day_multiranges extends Migration {
  override name = 'Migration20261130090427_day_multiranges';

  override up(): void | Promise<void> {
    this.addSql(`create function "sso_ingest".day_ranges_as_multirange(ranges jsonb) returns datemultirange
      language sql immutable as $$
        select coalesce(range_agg(daterange(date '1970-01-01' + (r->>'from')::int,
                                            date '1970-01-01' + (r->>'to')::int + 1, '[)')), '{}')
        from jsonb_array_elements(ranges) r $$;`);
    for (const table of ['assignment_membership', 'estimate']) {
      this.addSql(
        `alter table "sso_ingest"."${table}" alter column "ranges" type datemultirange using ("sso_ingest".day_ranges_as_multirange("ranges"));`,
      );
    }
    this.addSql(`drop function "sso_ingest".day_ranges_as_multirange(jsonb);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create function "sso_ingest".multirange_as_day_ranges(days datemultirange) returns jsonb
      language sql immutable as $$
        select coalesce(jsonb_agg(jsonb_build_object('from', lower(r) - date '1970-01-01',
                                                     'to', upper(r) - date '1970-01-01' - 1) order by lower(r)), '[]')
        from unnest(days) r $$;`);
    for (const table of ['assignment_membership', 'estimate']) {
      this.addSql(
        `alter table "sso_ingest"."${table}" alter column "ranges" type jsonb using ("sso_ingest".multirange_as_day_ranges("ranges"));`,
      );
    }
    this.addSql(`drop function "sso_ingest".multirange_as_day_ranges(datemultirange);`);
  }
}
