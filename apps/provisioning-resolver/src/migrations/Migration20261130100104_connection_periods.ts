import { Migration } from '@mikro-orm/migrations';

/**
 * Connection periods from a JSON array of `{from, to}` (ISO instants) to `tstzrange[]`,
 * existing rows converted (and back on `down`). Periods without length are dropped: they
 * govern no day (see PeriodsType).
 */
export class Migration20261130100104_connection_periods extends Migration {
  override name = 'Migration20261130100104_connection_periods';

  override up(): void | Promise<void> {
    this.addSql(`alter table "provisioning_resolver"."connection_fact" add column "periods_range" tstzrange[];`);
    this.addSql(`update "provisioning_resolver"."connection_fact" set "periods_range" = array(
        select tstzrange((p->>'from')::timestamptz, (p->>'to')::timestamptz, '[)')
        from jsonb_array_elements("periods") p
        where p->>'to' is null or (p->>'from')::timestamptz < (p->>'to')::timestamptz
        order by (p->>'from')::timestamptz)::tstzrange[];`);
    this.addSql(`alter table "provisioning_resolver"."connection_fact" drop column "periods";`);
    this.addSql(`alter table "provisioning_resolver"."connection_fact" rename column "periods_range" to "periods";`);
    this.addSql(`alter table "provisioning_resolver"."connection_fact" alter column "periods" set not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "provisioning_resolver"."connection_fact" add column "periods_json" jsonb;`);
    this.addSql(`update "provisioning_resolver"."connection_fact" set "periods_json" = (
        select coalesce(jsonb_agg(jsonb_build_object(
                 'from', to_char(lower(p) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'to', to_char(upper(p) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) order by lower(p)), '[]')
        from unnest("periods") p);`);
    this.addSql(`alter table "provisioning_resolver"."connection_fact" drop column "periods";`);
    this.addSql(`alter table "provisioning_resolver"."connection_fact" rename column "periods_json" to "periods";`);
    this.addSql(`alter table "provisioning_resolver"."connection_fact" alter column "periods" set not null;`);
  }
}
