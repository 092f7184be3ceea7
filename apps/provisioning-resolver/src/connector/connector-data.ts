import type { EntityManager } from '@mikro-orm/postgresql';
import { type ConnectorSnapshotEvent, connectorEventKey, type ErrorCode, TOPICS } from '@org/contracts';
import { query, tableOf } from '@org/database';
import { dayOf } from '@org/days';
import { addToOutbox, dlqEntry, type OutgoingEvent } from '@org/kafka';
import { timeZoneOf } from '../view/instance-facts';
import type { TouchedDays } from '../view/view-writer';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { applySnapshot } from './apply-snapshot';
import { ConnectorSnapshot } from './connector-snapshot.entity';
import { SnapshotPage } from './snapshot-page.entity';
import type { SnapshotEntry } from './connector-ranges';

/** Clock skew tolerated on a connector's `asOf` before it counts as dated in the future (SPEC §4). */
export const CLOCK_SKEW_MS = 5 * 60_000;

export type KnownConnection = Pick<ConnectionFact, 'connectionId' | 'tenantId' | 'instanceId' | 'status' | 'periods'>;

/**
 * Serialises, per connection, the handlers of connector data and of lifecycle events (held to
 * the end of the transaction). Without it a snapshot committed while its connection's event
 * is being applied could be missed by both: each would look for the other before it committed.
 */
export async function lockConnections(em: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  // Raw: advisory locks, which the ORM does not take.
  await query(
    em,
    `select count(pg_advisory_xact_lock(${CONNECTION_LOCK}, hashtext(id)))
     from (select distinct id from unnest(?::text[]) as id order by id) ids`,
    [ids],
  );
}

/** The advisory lock space of connections in this schema (the outbox relay uses the one-key form). */
const CONNECTION_LOCK = 1;

export async function knownConnections(em: EntityManager, ids: string[]): Promise<Map<string, KnownConnection>> {
  if (!ids.length) return new Map();
  const rows = await em.find(
    ConnectionFact,
    { connectionId: { $in: ids } },
    { fields: ['connectionId', 'tenantId', 'instanceId', 'status', 'periods'], disableIdentityMap: true },
  );
  return new Map(rows.map((r) => [r.connectionId, r]));
}

/** Why data naming this connection cannot be taken (another tenant's, or deleted), or null. */
export function refusalOf(connection: KnownConnection, tenantId: string): { code: ErrorCode; message: string } | null {
  if (connection.tenantId !== tenantId)
    return { code: 'TENANT_MISMATCH', message: `connection ${connection.connectionId} belongs to another tenant` };
  if (connection.status === 'deleted')
    return { code: 'CONNECTION_DELETED', message: `connection ${connection.connectionId} is deleted` };
  return null;
}

/** R10: a snapshot counts only when taken within one of its connection's connected periods. */
export const withinConnectedPeriod = (connection: KnownConnection, at: number) =>
  connection.periods.some((p) => Date.parse(p.from) <= at && (p.to === null || at < Date.parse(p.to)));

/** The pages of one sync seen so far: from the chunk being applied, and those held in snapshot_page. */
export interface PageSet {
  connectionId: string;
  syncId: string;
  /** epoch ms */
  asOf: number;
  pageCount: number;
  pages: Map<number, ConnectorSnapshotEvent>;
}

/** Groups snapshot pages by sync (asOf: the earliest of its pages; pageCount: the largest). */
export function pageSetsOf(events: ConnectorSnapshotEvent[]): PageSet[] {
  const sets = new Map<string, PageSet>();
  for (const e of events) {
    const key = `${e.data.connectionId}|${e.data.syncId}`;
    let set = sets.get(key);
    if (!set) {
      set = {
        connectionId: e.data.connectionId,
        syncId: e.data.syncId,
        asOf: Infinity,
        pageCount: 0,
        pages: new Map(),
      };
      sets.set(key, set);
    }
    set.asOf = Math.min(set.asOf, Date.parse(e.data.asOf));
    set.pageCount = Math.max(set.pageCount, e.data.pageCount);
    set.pages.set(e.data.page, e);
  }
  return [...sets.values()];
}

/**
 * Takes the pages of a chunk: a set whose pages are all in (with those held earlier) and
 * whose connection is known is applied at once, straight from memory; the others are held
 * (R15). A sync already applied is not applied again. Returns the days of the view touched.
 */
export async function takeSnapshotPages(
  em: EntityManager,
  events: ConnectorSnapshotEvent[],
  known: Map<string, KnownConnection>,
): Promise<TouchedDays[]> {
  const sets = pageSetsOf(events);
  if (!sets.length) return [];
  const key = (connectionId: string, syncId: string) => `${connectionId}|${syncId}`;
  const bySet = { $or: sets.map((s) => ({ connectionId: s.connectionId, syncId: s.syncId })) };
  const applied = new Set(
    (await em.find(ConnectorSnapshot, bySet, { fields: ['connectionId', 'syncId'], disableIdentityMap: true })).map(
      (r) => key(r.connectionId, r.syncId),
    ),
  );
  const held = new Map<string, number[]>();
  for (const r of await em.find(SnapshotPage, bySet, {
    fields: ['connectionId', 'syncId', 'page'],
    disableIdentityMap: true,
  })) {
    const k = key(r.connectionId, r.syncId);
    held.set(k, [...(held.get(k) ?? []), r.page]);
  }
  const touched: TouchedDays[] = [];
  const toHold: ConnectorSnapshotEvent[] = [];
  for (const set of sets) {
    if (applied.has(key(set.connectionId, set.syncId))) continue;
    const heldPages = held.get(key(set.connectionId, set.syncId)) ?? [];
    const connection = known.get(set.connectionId);
    const pages = new Set([...set.pages.keys(), ...heldPages]);
    if (!connection || pages.size < set.pageCount) {
      toHold.push(...set.pages.values());
      continue;
    }
    for (const e of await heldEvents(em, set.connectionId, set.syncId)) {
      if (!set.pages.has(e.data.page)) set.pages.set(e.data.page, e);
      set.asOf = Math.min(set.asOf, Date.parse(e.data.asOf));
    }
    touched.push(...(await applyPageSet(em, set, connection)));
  }
  if (toHold.length) {
    // Raw: pages are megabytes, and the ORM writes values into the SQL text; here they travel as
    // parameters, one page each (a page inside an array parameter would be escaped and parsed twice).
    const page = tableOf(em, SnapshotPage);
    const columns = ['connectionId', 'syncId', 'page', 'pageCount', 'tenantId', 'asOf', 'event'] as const;
    for (const e of toHold) {
      const held = {
        connectionId: e.data.connectionId,
        syncId: e.data.syncId,
        page: e.data.page,
        pageCount: e.data.pageCount,
        tenantId: e.tenantId,
        asOf: new Date(e.data.asOf),
        event: e,
      };
      await query(em, `${page.insert(columns)} on conflict do nothing`, page.values(held, columns));
    }
  }
  return touched;
}

/**
 * When connections become known: applies their held page sets that are complete, refusing
 * to the DLQ, through the outbox, sets naming another tenant's or a deleted connection.
 */
export async function applyHeldSnapshots(em: EntityManager, connectionIds: string[]): Promise<TouchedDays[]> {
  const known = await knownConnections(em, connectionIds);
  if (!known.size) return [];
  const page = tableOf(em, SnapshotPage);
  // Raw, as in heldEvents: pages are megabytes, which the ORM would hydrate and copy for change tracking.
  const events = await query<{ event: ConnectorSnapshotEvent }>(
    em,
    `select ${page.column('event')} from ${page.name} where ${page.column('connectionId')} = any(?::uuid[])
     order by ${page.columns(['asOf', 'syncId', 'page'])}`,
    [[...known.keys()]],
  );
  const touched: TouchedDays[] = [];
  const reports: OutgoingEvent[] = [];
  for (const set of pageSetsOf(events.map((r) => r.event))) {
    const connection = known.get(set.connectionId)!;
    const tenants = new Set([...set.pages.values()].map((e) => e.tenantId));
    const refusal = tenants.size > 1 ? refusalOf(connection, '') : refusalOf(connection, [...tenants][0]);
    if (refusal) {
      reports.push(...[...set.pages.values()].map((e) => dlqOf(e, refusal)));
      await dropHeldPages(em, set);
      continue;
    }
    if (set.pages.size >= set.pageCount) touched.push(...(await applyPageSet(em, set, connection)));
  }
  await addToOutbox(em, reports);
  return touched;
}

/** A complete set: its users into the connection's ranges, its held pages gone, and a report when outside every period (R10). */
async function applyPageSet(em: EntityManager, set: PageSet, connection: KnownConnection): Promise<TouchedDays[]> {
  if (!withinConnectedPeriod(connection, set.asOf)) {
    const outside = {
      code: 'OUTSIDE_CONNECTED_PERIOD' as const,
      message: `snapshot ${set.syncId} taken at ${new Date(set.asOf).toISOString()} lies outside every connected period of connection ${connection.connectionId}; kept out of the view`,
    };
    await addToOutbox(
      em,
      [...set.pages.values()].map((e) => dlqOf(e, outside)),
    );
  }
  const content = new Map<string, SnapshotEntry>();
  for (const page of [...set.pages.keys()].sort((a, b) => a - b)) {
    for (const u of set.pages.get(page)!.data.users) content.set(u.userId, { e: u.email, r: u.tier, s: u.status });
  }
  const changed = await applySnapshot(
    em,
    { connectionId: set.connectionId, syncId: set.syncId, tenantId: connection.tenantId, asOf: set.asOf },
    content,
  );
  await dropHeldPages(em, set);
  if (!changed) return [];
  const timeZone = await timeZoneOf(em, connection.tenantId);
  return [
    { instanceId: connection.instanceId, tenantId: connection.tenantId, from: dayOf(set.asOf, timeZone), to: null },
  ];
}

async function heldEvents(em: EntityManager, connectionId: string, syncId: string): Promise<ConnectorSnapshotEvent[]> {
  const page = tableOf(em, SnapshotPage);
  // Raw: pages are megabytes, which the ORM would hydrate and copy for change tracking (npm run bench -- snapshot).
  const rows = await query<{ event: ConnectorSnapshotEvent }>(
    em,
    `select ${page.column('event')} from ${page.name} where ${page.column('connectionId')} = ? and ${page.column('syncId')} = ?`,
    [connectionId, syncId],
  );
  return rows.map((r) => r.event);
}

const dropHeldPages = (em: EntityManager, set: PageSet) =>
  em.nativeDelete(SnapshotPage, { connectionId: set.connectionId, syncId: set.syncId });

const dlqOf = (e: ConnectorSnapshotEvent, error: { code: ErrorCode; message: string }) =>
  dlqEntry(TOPICS.connectorSnapshots, connectorEventKey(e.tenantId, e.data.connectionId), e, error);
