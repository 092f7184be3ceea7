import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import { type ConnectorRange, placeSnapshotEntry, sameRanges, type SnapshotEntry } from './connector-ranges';
import { ConnectorSnapshot } from './connector-snapshot.entity';
import { boundColumns, ConnectorUserRange, entryColumns } from './connector-user-range.entity';

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
  const neighbours = (
    await em.find(
      ConnectorSnapshot,
      { connectionId: set.connectionId, state: 'applied', asOf: { $gte: new Date(set.asOf) } },
      { fields: ['syncId', 'asOf'], orderBy: { asOf: 'asc' }, limit: 2, disableIdentityMap: true },
    )
  ).map((n) => ({ syncId: n.syncId, at: n.asOf.getTime() }));
  const tie = neighbours.find((n) => n.at === set.asOf);
  const next = neighbours.find((n) => n.at > set.asOf)?.at ?? null;
  const superseded = tie !== undefined && tie.syncId > set.syncId;
  if (!superseded) {
    if (tie) await setState(em, set.connectionId, tie.syncId, 'superseded');
    if (next === null && !tie) await appendLatest(em, set, content);
    else await placeBetween(em, set, next, content);
  }
  const { activeUsers, tiers } = seatsOf(content);
  await em
    .createQueryBuilder(ConnectorSnapshot)
    .insert({
      connectionId: set.connectionId,
      syncId: set.syncId,
      tenantId: set.tenantId,
      asOf: new Date(set.asOf),
      state: superseded ? 'superseded' : 'applied',
      users: content.size,
      activeUsers,
      tiers,
    })
    .onConflict()
    .ignore()
    .execute();
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
  em.nativeUpdate(ConnectorSnapshot, { connectionId, syncId }, { state });

/**
 * The usual case, a snapshot newer than every other: compared with each user's open range,
 * only the users who left, changed or joined are written (set-based, keyed by primary key,
 * so the plan never depends on statistics of rows written moments ago).
 */
async function appendLatest(em: EntityManager, set: SnapshotSet, content: Map<string, SnapshotEntry>): Promise<void> {
  const range = tableOf(em, ConnectorUserRange);
  const [connectionId, userId, during] = ['connectionId', 'userId', 'during'] as const;
  // Raw, like the writes below: every user of a 50k-user snapshot, compared (npm run bench -- snapshot).
  const open = await query<{ user_id: string } & SnapshotEntry>(
    em,
    `select ${range.column(userId)} as user_id, ${entryColumns(range)} from ${range.name}
     where ${range.column(connectionId)} = ? and upper_inf(${range.column(during)})`,
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
  const asOf = new Date(set.asOf).toISOString();
  if (closing.length) {
    await query(
      em,
      `update ${range.name} set ${range.column(during)} = tstzrange(lower(${range.column(during)}), ?::timestamptz, '[)')
       where ${range.column(connectionId)} = ? and ${range.column(userId)} = any(?::text[])
         and upper_inf(${range.column(during)})`,
      [asOf, set.connectionId, closing],
    );
  }
  if (opening.length) {
    await insertRanges(
      em,
      set,
      opening.map(([userId, u]) => ({ userId, range: { f: set.asOf, t: null, ...u } })),
    );
  }
}

/**
 * New spans of users of one connection, in one statement. A newer snapshot opens every span at
 * one instant: then the bounds go once, not 50,000 times each (npm run bench -- snapshot).
 */
async function insertRanges(
  em: EntityManager,
  set: SnapshotSet,
  rows: Array<{ userId: string; range: ConnectorRange }>,
): Promise<void> {
  if (!rows.length) return;
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const { f, t } = rows[0].range;
  const oneSpan = rows.every((x) => x.range.f === f && x.range.t === t);
  // One span: its bounds as two parameters; else a pair per row, unnested with the users.
  const bounds = oneSpan
    ? { during: `tstzrange(?::timestamptz, ?::timestamptz, '[)')`, once: [iso(f), iso(t)], perRow: [], unnest: '' }
    : {
        during: `tstzrange(c.f, c.t, '[)')`,
        once: [],
        perRow: [rows.map((x) => iso(x.range.f)), rows.map((x) => iso(x.range.t))],
        unnest: ', ?::timestamptz[], ?::timestamptz[]',
      };
  const range = tableOf(em, ConnectorUserRange);
  const columns = range.columns(['connectionId', 'userId', 'during', 'tenantId', 'email', 'tier', 'status']);
  await query(
    em,
    `insert into ${range.name} (${columns})
     select ?, c.user_id, ${bounds.during}, ?, c.e, c.r, c.s
     from unnest(?::text[], ?::text[], ?::text[], ?::text[]${bounds.unnest}) as c(user_id, e, r, s${bounds.unnest && ', f, t'})`,
    [
      set.connectionId,
      ...bounds.once,
      set.tenantId,
      rows.map((x) => x.userId),
      rows.map((x) => x.range.e),
      rows.map((x) => x.range.r),
      rows.map((x) => x.range.s),
      ...bounds.perRow,
    ],
  );
}

/** A snapshot arriving after a later one (R15): rewrites each user's ranges between it and the next. */
async function placeBetween(
  em: EntityManager,
  set: SnapshotSet,
  next: number | null,
  snapshot: Map<string, SnapshotEntry>,
): Promise<void> {
  const content = new Map(snapshot);
  const range = tableOf(em, ConnectorUserRange);
  const userId = range.column('userId');
  // Raw: a range's bounds as epoch ms, for every span of the connection.
  const rows = await query<{ user_id: string } & ConnectorRange>(
    em,
    `select ${userId} as user_id, ${boundColumns(range)}, ${entryColumns(range)}
     from ${range.name} where ${range.column('connectionId')} = ? order by ${userId}, lower(${range.column('during')})`,
    [set.connectionId],
  );
  const byUser = new Map<string, ConnectorRange[]>();
  for (const { user_id, ...range } of rows) {
    const ranges = byUser.get(user_id);
    if (ranges) ranges.push(range);
    else byUser.set(user_id, [range]);
  }
  const changed: Array<{ userId: string; ranges: ConnectorRange[] }> = [];
  for (const [userId, before] of byUser) {
    const ranges = placeSnapshotEntry(before, set.asOf, next, content.get(userId));
    content.delete(userId);
    if (!sameRanges(ranges, before)) changed.push({ userId, ranges });
  }
  for (const [userId, entry] of content) changed.push({ userId, ranges: [{ f: set.asOf, t: next, ...entry }] });
  if (!changed.length) return;
  // Each changed user's spans are written again whole: this path is the rare late snapshot.
  // Raw: up to every user of the connection as one array parameter, where the ORM would bind one each.
  await query(
    em,
    `delete from ${range.name} where ${range.column('connectionId')} = ? and ${userId} = any(?::text[])`,
    [set.connectionId, changed.map((c) => c.userId)],
  );
  await insertRanges(
    em,
    set,
    changed.flatMap((c) => c.ranges.map((range) => ({ userId: c.userId, range }))),
  );
}
