import type { EntityManager } from '@mikro-orm/postgresql';
import { instanceIdOf, type SsoAssignmentsEvent } from '@org/contracts';
import { query } from '@org/database';
import { applyList, assemblePages, type AssignmentList } from '../estimate/assignment-lists';
import { dateMultirangeOf, dayOf, dayRangesOf } from '@org/days';
import type { DeriveEstimatesService } from '../estimate/derive-estimates.service';
import { settingsOf } from '../tenant/tenant-settings';

type User = { userId: string; email: string };

/**
 * Stores assignment pages, and applies each sync whose pages are all in — atomically, in
 * this transaction — to the instance's lists and memberships, then derives the estimates it
 * changed. An incomplete page set changes nothing.
 */
export async function recordAssignmentPages(
  em: EntityManager,
  pages: SsoAssignmentsEvent[],
  estimates: DeriveEstimatesService,
): Promise<void> {
  if (!pages.length) return;
  const instanceOf = (e: SsoAssignmentsEvent) => instanceIdOf(e.tenantId, e.data.ssoConnectionId, e.data.ssoAppId);
  await query(
    em,
    `insert into assignment_page (instance_id, sync_id, page, tenant_id, page_count, as_of, users)
     select * from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::int[], ?::timestamptz[], ?::jsonb[])
     on conflict do nothing`,
    [
      pages.map(instanceOf),
      pages.map((e) => e.data.syncId),
      pages.map((e) => e.data.page),
      pages.map((e) => e.tenantId),
      pages.map((e) => e.data.pageCount),
      pages.map((e) => e.data.asOf),
      pages.map((e) => JSON.stringify(e.data.users)),
    ],
  );
  const syncs = new Map(
    pages.map((e) => [
      `${instanceOf(e)}|${e.data.syncId}`,
      { instanceId: instanceOf(e), tenantId: e.tenantId, syncId: e.data.syncId },
    ]),
  );
  for (const sync of syncs.values()) await applyIfComplete(em, sync, estimates);
}

async function applyIfComplete(
  em: EntityManager,
  sync: { instanceId: string; tenantId: string; syncId: string },
  estimates: DeriveEstimatesService,
): Promise<void> {
  const stored = await query<{ page: number; page_count: number; as_of: Date; users: User[] }>(
    em,
    'select page, page_count, as_of, users from assignment_page where instance_id = ? and sync_id = ?',
    [sync.instanceId, sync.syncId],
  );
  const users = assemblePages(stored.map((p) => ({ page: p.page, pageCount: p.page_count, users: p.users })));
  if (!users) return;
  await query(em, 'select id from sso_instance where id = ? for update', [sync.instanceId]);
  const { timeZone } = (await settingsOf(em, [sync.tenantId])).get(sync.tenantId)!;
  const asOf = new Date(stored[0].as_of).getTime();
  const list: AssignmentList = { day: dayOf(asOf, timeZone), asOf, syncId: sync.syncId };

  const lists = (
    await query<{ day: number; as_of: Date; sync_id: string }>(
      em,
      'select day, as_of, sync_id from assignment_list where instance_id = ?',
      [sync.instanceId],
    )
  ).map((l) => ({ day: l.day, asOf: new Date(l.as_of).getTime(), syncId: l.sync_id }));
  const memberRows = await query<{ user_id: string; email: string; ranges: string }>(
    em,
    'select user_id, email, ranges::text from assignment_membership where instance_id = ?',
    [sync.instanceId],
  );
  const members = new Map(memberRows.map((m) => [m.user_id, dayRangesOf(m.ranges)]));
  const emails = new Map(memberRows.map((m) => [m.user_id, m.email]));
  for (const u of users) emails.set(u.userId, u.email);

  const result = applyList(lists, members, list, new Set(users.map((u) => u.userId)));
  await query(em, 'delete from assignment_page where instance_id = ? and sync_id = ?', [sync.instanceId, sync.syncId]);
  if (!result) return; // superseded by a later list of the same day, or this list again

  await query(
    em,
    `insert into assignment_list (instance_id, day, as_of, sync_id) values (?, ?, ?, ?)
     on conflict (instance_id, day) do update set as_of = excluded.as_of, sync_id = excluded.sync_id`,
    [sync.instanceId, list.day, new Date(asOf).toISOString(), list.syncId],
  );
  const changed = [...result.changed].filter(
    ([user, ranges]) => JSON.stringify(ranges) !== JSON.stringify(members.get(user) ?? []),
  );
  if (changed.length) {
    await query(
      em,
      `insert into assignment_membership (instance_id, user_id, email, ranges)
       select ?, * from unnest(?::text[], ?::text[], ?::datemultirange[])
       on conflict (instance_id, user_id) do update set email = excluded.email, ranges = excluded.ranges`,
      [
        sync.instanceId,
        changed.map(([u]) => u),
        changed.map(([u]) => emails.get(u) ?? ''),
        changed.map(([, r]) => dateMultirangeOf(r)),
      ],
    );
  }
  // A new first list moves where logins stop counting for every user of the instance.
  const firstListMoved = lists.every((l) => l.day > list.day);
  const pairs = firstListMoved
    ? await estimates.pairsOfInstance(em, sync.instanceId)
    : changed.map(([userId]) => ({ instanceId: sync.instanceId, userId }));
  await estimates.refresh(em, pairs);
}
