import type { EntityManager } from '@mikro-orm/postgresql';
import type { SnapshotUser } from '@org/contracts';
import { query } from '@org/database';
import { placeSnapshotEntry, sameRanges, type SnapshotEntry } from './connector-ranges';
import type { ConnectorRange } from './connector-user.entity';

/** A complete page set of one sync. */
export interface SnapshotSet {
  connectionId: string;
  syncId: string;
  tenantId: string;
  /** epoch ms */
  asOf: number;
}

// The users of a staged page set, one row per user (a user listed on two pages: the later page).
const CONTENT = `
  with content as (
    select distinct on (u."userId") u."userId" as user_id, u.email, u.tier, u.status
    from snapshot_page p
    cross join jsonb_to_recordset(p.event->'data'->'users') as u("userId" text, email text, tier text, status text)
    where p.connection_id = ? and p.sync_id = ?
    order by u."userId", p.page desc
  )`;

/**
 * Writes a complete page set into the connection's user ranges, atomically with the
 * caller's transaction, and drops its pages. Returns false when it changes nothing
 * (another snapshot with the same asOf and a greater syncId wins).
 */
export async function applySnapshot(em: EntityManager, set: SnapshotSet): Promise<boolean> {
  const asOf = new Date(set.asOf).toISOString();
  const neighbours = await query<{ sync_id: string; at: number }>(
    em,
    `select sync_id, (extract(epoch from as_of) * 1000)::float8 as at from connector_snapshot
     where connection_id = ? and state = 'applied' and as_of >= ?::timestamptz order by as_of limit 2`,
    [set.connectionId, asOf],
  );
  const tie = neighbours.find((n) => n.at === set.asOf);
  const next = neighbours.find((n) => n.at > set.asOf)?.at ?? null;
  const superseded = tie !== undefined && tie.sync_id > set.syncId;
  if (!superseded) {
    if (tie) await setState(em, set.connectionId, tie.sync_id, 'superseded');
    if (next === null && !tie) await appendLatest(em, set);
    else await placeBetween(em, set, next);
  }
  const [{ users }] = await query<{ users: number }>(
    em,
    `select coalesce(sum(jsonb_array_length(event->'data'->'users')), 0)::int as users
     from snapshot_page where connection_id = ? and sync_id = ?`,
    [set.connectionId, set.syncId],
  );
  await query(
    em,
    `insert into connector_snapshot (connection_id, sync_id, tenant_id, as_of, state, users)
     values (?, ?, ?, ?::timestamptz, ?, ?) on conflict do nothing`,
    [set.connectionId, set.syncId, set.tenantId, asOf, superseded ? 'superseded' : 'applied', users],
  );
  await query(em, `delete from snapshot_page where connection_id = ? and sync_id = ?`, [set.connectionId, set.syncId]);
  return !superseded;
}

const setState = (em: EntityManager, connectionId: string, syncId: string, state: string) =>
  query(em, `update connector_snapshot set state = ? where connection_id = ? and sync_id = ?`, [
    state,
    connectionId,
    syncId,
  ]);

/**
 * The usual case, a snapshot newer than every other, in two set-based statements: close the
 * open range of every user who left or changed, then open one for every user who has none.
 * Unchanged users are not written at all.
 */
async function appendLatest(em: EntityManager, set: SnapshotSet): Promise<void> {
  const at = set.asOf;
  await query(
    em,
    `${CONTENT}
     update connector_user u
     set ranges = jsonb_set(u.ranges, array[(jsonb_array_length(u.ranges) - 1)::text, 't'], to_jsonb(?::bigint))
     where u.connection_id = ? and u.ranges->-1->'t' = 'null'::jsonb
       and not exists (
         select 1 from content c where c.user_id = u.user_id and c.email = u.ranges->-1->>'e'
           and c.tier is not distinct from u.ranges->-1->>'r' and c.status = u.ranges->-1->>'s')`,
    [set.connectionId, set.syncId, at, set.connectionId],
  );
  await query(
    em,
    `${CONTENT}
     insert into connector_user (connection_id, user_id, tenant_id, ranges)
     select ?, c.user_id, ?, jsonb_build_array(
              jsonb_build_object('f', ?::bigint, 't', null, 'e', c.email, 'r', c.tier, 's', c.status))
     from content c
     left join connector_user u on u.connection_id = ? and u.user_id = c.user_id
     where u.user_id is null or u.ranges->-1->'t' <> 'null'::jsonb
     on conflict (connection_id, user_id) do update set ranges = connector_user.ranges || excluded.ranges`,
    [set.connectionId, set.syncId, set.connectionId, set.tenantId, at, set.connectionId],
  );
}

/** A snapshot arriving after a later one (R15): rewrites each user's ranges between it and the next. */
async function placeBetween(em: EntityManager, set: SnapshotSet, next: number | null): Promise<void> {
  const pages = await query<{ users: SnapshotUser[] }>(
    em,
    `select event->'data'->'users' as users from snapshot_page where connection_id = ? and sync_id = ? order by page`,
    [set.connectionId, set.syncId],
  );
  const content = new Map<string, SnapshotEntry>();
  for (const page of pages) for (const u of page.users) content.set(u.userId, { e: u.email, r: u.tier, s: u.status });
  const rows = await query<{ user_id: string; ranges: ConnectorRange[] }>(
    em,
    `select user_id, ranges from connector_user where connection_id = ?`,
    [set.connectionId],
  );
  const changed: Array<{ userId: string; ranges: ConnectorRange[] }> = [];
  for (const row of rows) {
    const ranges = placeSnapshotEntry(row.ranges, set.asOf, next, content.get(row.user_id));
    content.delete(row.user_id);
    if (!sameRanges(ranges, row.ranges)) changed.push({ userId: row.user_id, ranges });
  }
  for (const [userId, entry] of content) changed.push({ userId, ranges: [{ f: set.asOf, t: next, ...entry }] });
  if (!changed.length) return;
  await query(
    em,
    `insert into connector_user (connection_id, user_id, tenant_id, ranges)
     select ?, user_id, ?, ranges from unnest(?::text[], ?::jsonb[]) as c(user_id, ranges)
     on conflict (connection_id, user_id) do update set ranges = excluded.ranges`,
    [set.connectionId, set.tenantId, changed.map((c) => c.userId), changed.map((c) => JSON.stringify(c.ranges))],
  );
}
