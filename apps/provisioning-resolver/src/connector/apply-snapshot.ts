import type { EntityManager } from '@mikro-orm/postgresql';
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

/**
 * Writes a complete snapshot (its users by id) into the connection's user ranges, inside the
 * caller's transaction. Returns false when it changes nothing (another snapshot with the
 * same asOf and a greater syncId wins).
 */
export async function applySnapshot(
  em: EntityManager,
  set: SnapshotSet,
  content: Map<string, SnapshotEntry>,
): Promise<boolean> {
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
    if (next === null && !tie) await appendLatest(em, set, content);
    else await placeBetween(em, set, next, content);
  }
  const { activeUsers, tiers } = seatsOf(content);
  await query(
    em,
    `insert into connector_snapshot (connection_id, sync_id, tenant_id, as_of, state, users, active_users, tiers)
     values (?, ?, ?, ?::timestamptz, ?, ?, ?, ?) on conflict do nothing`,
    [
      set.connectionId,
      set.syncId,
      set.tenantId,
      asOf,
      superseded ? 'superseded' : 'applied',
      content.size,
      activeUsers,
      JSON.stringify(tiers),
    ],
  );
  return !superseded;
}

/** R13: only `active` users hold a seat. */
function seatsOf(content: Map<string, SnapshotEntry>): { activeUsers: number; tiers: Record<string, number> } {
  let activeUsers = 0;
  const tiers: Record<string, number> = {};
  for (const u of content.values()) {
    if (u.s !== 'active') continue;
    activeUsers++;
    if (u.r !== null) tiers[u.r] = (tiers[u.r] ?? 0) + 1;
  }
  return { activeUsers, tiers };
}

const setState = (em: EntityManager, connectionId: string, syncId: string, state: string) =>
  query(em, `update connector_snapshot set state = ? where connection_id = ? and sync_id = ?`, [
    state,
    connectionId,
    syncId,
  ]);

/**
 * The usual case, a snapshot newer than every other: compared with each user's open range,
 * only the users who left, changed or joined are written (set-based, keyed by primary key,
 * so the plan never depends on statistics of rows written moments ago).
 */
async function appendLatest(em: EntityManager, set: SnapshotSet, content: Map<string, SnapshotEntry>): Promise<void> {
  const open = await query<{ user_id: string } & SnapshotEntry>(
    em,
    `select user_id, ranges->-1->>'e' as e, ranges->-1->>'r' as r, ranges->-1->>'s' as s from connector_user
     where connection_id = ? and ranges->-1->'t' = 'null'::jsonb`,
    [set.connectionId],
  );
  const closing: string[] = [];
  const unchanged = new Set<string>();
  for (const last of open) {
    const now = content.get(last.user_id);
    if (now && now.e === last.e && now.r === last.r && now.s === last.s) unchanged.add(last.user_id);
    else closing.push(last.user_id);
  }
  const opening = [...content].filter(([userId]) => !unchanged.has(userId));
  if (closing.length) {
    await query(
      em,
      `update connector_user set ranges = jsonb_set(ranges, array[(jsonb_array_length(ranges) - 1)::text, 't'], to_jsonb(?::bigint))
       where connection_id = ? and user_id = any(?::text[])`,
      [set.asOf, set.connectionId, closing],
    );
  }
  if (opening.length) {
    await query(
      em,
      `insert into connector_user (connection_id, user_id, tenant_id, ranges)
       select ?, c.user_id, ?, jsonb_build_array(jsonb_build_object('f', ?::bigint, 't', null, 'e', c.e, 'r', c.r, 's', c.s))
       from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as c(user_id, e, r, s)
       on conflict (connection_id, user_id) do update set ranges = connector_user.ranges || excluded.ranges`,
      [
        set.connectionId,
        set.tenantId,
        set.asOf,
        opening.map(([userId]) => userId),
        opening.map(([, u]) => u.e),
        opening.map(([, u]) => u.r),
        opening.map(([, u]) => u.s),
      ],
    );
  }
}

/** A snapshot arriving after a later one (R15): rewrites each user's ranges between it and the next. */
async function placeBetween(
  em: EntityManager,
  set: SnapshotSet,
  next: number | null,
  snapshot: Map<string, SnapshotEntry>,
): Promise<void> {
  const content = new Map(snapshot);
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
