import { Migration } from '@mikro-orm/migrations';

export class Migration20261129132549_estimate_changes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "provisioning_resolver"."estimate_change" ("instance_id" uuid not null, "day" date not null, "tenant_id" text not null, "delta" int not null, constraint "estimate_change_pkey" primary key ("instance_id", "day"));`,
    );
    // Estimates recorded before: their changes per day, from every user's intervals.
    this.addSql(`
      insert into "provisioning_resolver"."estimate_change" (instance_id, day, tenant_id, delta)
      select e.instance_id, c.day, min(e.tenant_id), sum(c.delta)::int
      from "provisioning_resolver"."estimate_fact" e
      cross join jsonb_array_elements(e.intervals) i
      cross join lateral (values ((i->>'from')::date, 1), ((i->>'to')::date + 1, -1)) c(day, delta)
      where c.day is not null
      group by e.instance_id, c.day
      having sum(c.delta) <> 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "provisioning_resolver"."estimate_change" cascade;`);
  }
}
