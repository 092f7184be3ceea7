import { Migration } from '@mikro-orm/migrations';

export class Migration20261129131840_snapshot_seats extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "provisioning_resolver"."connector_snapshot" add column "active_users" int not null default 0, add column "tiers" jsonb not null default '{}';`,
    );
    // Snapshots applied before: their seats from the ranges, as they stood at each one's instant.
    this.addSql(`
      update "provisioning_resolver"."connector_snapshot" s set
        active_users = seats.active_users, tiers = seats.tiers
      from (
        select s2.connection_id, s2.sync_id, sum(t.n)::int as active_users,
               coalesce(jsonb_object_agg(t.tier, t.n) filter (where t.tier is not null), '{}') as tiers
        from "provisioning_resolver"."connector_snapshot" s2
        cross join lateral (
          select r->>'r' as tier, count(*) as n
          from "provisioning_resolver"."connector_user" u cross join jsonb_array_elements(u.ranges) r
          where u.connection_id = s2.connection_id and r->>'s' = 'active'
            and (r->>'f')::bigint <= extract(epoch from s2.as_of) * 1000
            and (r->'t' = 'null'::jsonb or (r->>'t')::bigint > extract(epoch from s2.as_of) * 1000)
          group by r->>'r'
        ) t
        group by s2.connection_id, s2.sync_id
      ) seats
      where s.connection_id = seats.connection_id and s.sync_id = seats.sync_id;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "provisioning_resolver"."connector_snapshot" drop column "active_users", drop column "tiers";`,
    );
  }
}
