import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { instanceIdOf, type SsoAssignmentsEvent } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { applyList, assemblePages, type AssignmentList } from '../estimate/assignment-lists';
import { dateMultirangeOf, dayOf, dayRangesOf } from '@org/days';
import type { DeriveEstimatesService } from '../estimate/derive-estimates.service';
import { SsoInstance } from '../instance/sso-instance.entity';
import { settingsOf } from '../tenant/tenant-settings';
import { AssignmentListRow } from './assignment-list.entity';
import { AssignmentMembership } from './assignment-membership.entity';
import { AssignmentPage } from './assignment-page.entity';

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
  const stored = tableOf(em, AssignmentPage);
  const columns = ['instanceId', 'syncId', 'page', 'tenantId', 'pageCount', 'asOf', 'users'] as const;
  // Raw: a bulk `unnest` insert, the shape npm run bench -- ingest keeps raw for logins (it sends no pages).
  await query(
    em,
    `${stored.bulkInsert(columns)}
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
  const stored = await em.find(
    AssignmentPage,
    { instanceId: sync.instanceId, syncId: sync.syncId },
    // Read-only, like the reads below: pages are deleted and memberships rewritten by SQL, never flushed.
    { disableIdentityMap: true },
  );
  const users = assemblePages(stored);
  if (!users) return;
  await em.findOne(SsoInstance, sync.instanceId, { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true });
  const { timeZone } = (await settingsOf(em, [sync.tenantId])).get(sync.tenantId)!;
  const asOf = stored[0].asOf.getTime();
  const list: AssignmentList = { day: dayOf(asOf, timeZone), asOf, syncId: sync.syncId };

  const lists = (await em.find(AssignmentListRow, { instanceId: sync.instanceId }, { disableIdentityMap: true })).map(
    (l) => ({
      day: l.day,
      asOf: l.asOf.getTime(),
      syncId: l.syncId,
    }),
  );
  const memberRows = await em.find(AssignmentMembership, { instanceId: sync.instanceId }, { disableIdentityMap: true });
  const members = new Map(memberRows.map((m) => [m.userId, dayRangesOf(m.ranges)]));
  const emails = new Map(memberRows.map((m) => [m.userId, m.email]));
  for (const u of users) emails.set(u.userId, u.email);

  const result = applyList(lists, members, list, new Set(users.map((u) => u.userId)));
  await em.nativeDelete(AssignmentPage, { instanceId: sync.instanceId, syncId: sync.syncId });
  if (!result) return; // superseded by a later list of the same day, or this list again
  await em.nativeUpdate(
    SsoInstance,
    { id: sync.instanceId, $or: [{ firstAssignmentListAt: null }, { firstAssignmentListAt: { $gt: new Date(asOf) } }] },
    { firstAssignmentListAt: new Date(asOf), version: raw(`${tableOf(em, SsoInstance).column('version')} + 1`) },
  );

  await em.upsert(AssignmentListRow, {
    instanceId: sync.instanceId,
    day: list.day,
    asOf: new Date(asOf),
    syncId: list.syncId,
  });
  const changed = [...result.changed].filter(
    ([user, ranges]) => JSON.stringify(ranges) !== JSON.stringify(members.get(user) ?? []),
  );
  if (changed.length) {
    const memberships = tableOf(em, AssignmentMembership);
    const written = ['userId', 'email', 'ranges'] as const;
    // Raw: a bulk `unnest` upsert of day multiranges, as writeEstimates (npm run bench -- ingest).
    await query(
      em,
      `insert into ${memberships.name} (${memberships.columns(['instanceId', ...written])})
       select ?, * from unnest(${memberships.arrayParameters(written)})
       on conflict (${memberships.columns(['instanceId', 'userId'])}) do update set ${memberships.excluded(['email', 'ranges'])}`,
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
