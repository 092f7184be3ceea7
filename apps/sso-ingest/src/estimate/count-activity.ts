import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@org/database';

export interface ActivityChange {
  instanceId: string;
  tenantId: string;
  day: number;
  users: number;
}

/** Adds users to the per-day active counts (sso.activity.v1), marking the days to publish. */
export async function addActivity(em: EntityManager, changes: ActivityChange[]): Promise<void> {
  if (!changes.length) return;
  await query(
    em,
    `insert into activity (instance_id, day, tenant_id, active_users)
     select * from unnest(?::uuid[], ?::int[], ?::text[], ?::int[])
     on conflict (instance_id, day) do update
       set active_users = activity.active_users + excluded.active_users, version = activity.version + 1`,
    [
      changes.map((c) => c.instanceId),
      changes.map((c) => c.day),
      changes.map((c) => c.tenantId),
      changes.map((c) => c.users),
    ],
  );
}

/** Replaces every day's count of an instance (after a time zone change), publishing only the days that changed. */
export async function replaceActivity(
  em: EntityManager,
  instanceId: string,
  tenantId: string,
  counts: Map<number, number>,
) {
  await query(
    em,
    `with fresh as (select * from unnest(?::int[], ?::int[]) as f(day, active_users)),
     gone as (
       update activity a set active_users = 0, version = a.version + 1
       where a.instance_id = ? and a.active_users <> 0 and not exists (select 1 from fresh f where f.day = a.day)
     )
     insert into activity (instance_id, day, tenant_id, active_users)
     select ?, day, ?, active_users from fresh
     on conflict (instance_id, day) do update
       set active_users = excluded.active_users, version = activity.version + 1
       where activity.active_users <> excluded.active_users`,
    [[...counts.keys()], [...counts.values()], instanceId, instanceId, tenantId],
  );
}
