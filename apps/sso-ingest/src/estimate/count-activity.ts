import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import { Activity } from './activity.entity';

export interface ActivityChange {
  instanceId: string;
  tenantId: string;
  day: number;
  users: number;
}

/** Adds users to the per-day active counts (sso.activity.v1), marking the days to publish. */
export async function addActivity(em: EntityManager, changes: ActivityChange[]): Promise<void> {
  if (!changes.length) return;
  const activity = tableOf(em, Activity);
  const added = ['instanceId', 'day', 'tenantId', 'activeUsers'] as const;
  const [activeUsers, version] = [activity.column('activeUsers'), activity.column('version')];
  // Raw: a bulk `unnest` upsert that adds to the stored counts (npm run bench -- ingest).
  await query(
    em,
    `${activity.bulkInsert(added)}
     on conflict (${activity.columns(['instanceId', 'day'])}) do update
       set ${activeUsers} = ${activity.name}.${activeUsers} + excluded.${activeUsers},
         ${version} = ${activity.name}.${version} + 1`,
    activity.arrays(
      changes.map((c) => ({ ...c, activeUsers: c.users })),
      added,
    ),
  );
}

/** Replaces every day's count of an instance (after a time zone change), publishing only the days that changed. */
export async function replaceActivity(
  em: EntityManager,
  instanceId: string,
  tenantId: string,
  counts: Map<number, number>,
) {
  const activity = tableOf(em, Activity);
  const [activeUsers, version] = [activity.column('activeUsers'), activity.column('version')];
  await em.nativeUpdate(
    Activity,
    { instanceId, activeUsers: { $ne: 0 }, day: { $nin: [...counts.keys()] } },
    { activeUsers: 0, version: raw(`${version} + 1`) },
  );
  if (!counts.size) return;
  await em
    .createQueryBuilder(Activity)
    .insert([...counts].map(([day, activeUsers]) => ({ instanceId, day, tenantId, activeUsers })))
    .onConflict(['instanceId', 'day'])
    .merge({ activeUsers: raw(`excluded.${activeUsers}`), version: raw(`${activity.name}.${version} + 1`) })
    .where(raw(`${activity.name}.${activeUsers} <> excluded.${activeUsers}`))
    .execute();
}
