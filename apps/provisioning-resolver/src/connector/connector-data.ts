import type { EntityManager } from '@mikro-orm/postgresql';
import { connectorEventKey, type ErrorCode, TOPICS } from '@org/contracts';
import { query } from '@org/database';
import { dayOf } from '@org/days';
import { addToOutbox, dlqEntry, type OutgoingEvent } from '@org/kafka';
import { timeZoneOf } from '../view/instance-facts';
import type { TouchedDays } from '../view/refresh-view';
import { applySnapshot } from './apply-snapshot';

/** Clock skew tolerated on a connector's `asOf` before it counts as dated in the future (SPEC §4). */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface KnownConnection {
  connection_id: string;
  tenant_id: string;
  instance_id: string;
  status: string;
  periods: Array<{ from: string; to: string | null }>;
}

/**
 * Serialises, per connection, the handlers of connector data and of lifecycle events (held to
 * the end of the transaction). Without it a snapshot committed while its connection's event
 * is being applied could be missed by both: each would look for the other before it committed.
 */
export async function lockConnections(em: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
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
  const rows = await query<KnownConnection>(
    em,
    `select connection_id, tenant_id, instance_id, status, periods from connection_fact
     where connection_id = any(?::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.connection_id, r]));
}

/** Why data naming this connection cannot be taken (another tenant's, or deleted), or null. */
export function refusalOf(connection: KnownConnection, tenantId: string): { code: ErrorCode; message: string } | null {
  if (connection.tenant_id !== tenantId)
    return { code: 'TENANT_MISMATCH', message: `connection ${connection.connection_id} belongs to another tenant` };
  if (connection.status === 'deleted')
    return { code: 'CONNECTION_DELETED', message: `connection ${connection.connection_id} is deleted` };
  return null;
}

/** R10: a snapshot counts only when taken within one of its connection's connected periods. */
export const withinConnectedPeriod = (connection: KnownConnection, at: number) =>
  connection.periods.some((p) => Date.parse(p.from) <= at && (p.to === null || at < Date.parse(p.to)));

/**
 * Applies every complete page set of these connections whose connection is known (R15: the
 * others wait), refusing to the DLQ, through the outbox, sets naming another tenant's or a
 * deleted connection and reporting those dated outside every connected period (R10), which
 * are kept out of the view. Returns the days of the view they touch.
 */
export async function applyReadySnapshots(em: EntityManager, connectionIds: string[]): Promise<TouchedDays[]> {
  const known = await knownConnections(em, connectionIds);
  if (!known.size) return [];
  const sets = await query<{
    connection_id: string;
    sync_id: string;
    tenants: string[];
    pages: number;
    page_count: number;
    as_of: number;
  }>(
    em,
    `select connection_id, sync_id, array_agg(distinct tenant_id) as tenants, count(*)::int as pages,
            max(page_count) as page_count, (extract(epoch from min(as_of)) * 1000)::float8 as as_of
     from snapshot_page where connection_id = any(?::uuid[])
     group by connection_id, sync_id order by min(as_of), sync_id`,
    [[...known.keys()]],
  );
  const touched: TouchedDays[] = [];
  const reports: OutgoingEvent[] = [];
  for (const set of sets) {
    const connection = known.get(set.connection_id)!;
    const refusal = set.tenants.length > 1 ? refusalOf(connection, '') : refusalOf(connection, set.tenants[0]);
    if (refusal) {
      reports.push(...(await dropPages(em, connection, set.sync_id, refusal)));
      continue;
    }
    if (set.pages < set.page_count) continue;
    if (!withinConnectedPeriod(connection, set.as_of)) {
      reports.push(
        ...(await pageReports(em, connection, set.sync_id, {
          code: 'OUTSIDE_CONNECTED_PERIOD',
          message: `snapshot ${set.sync_id} taken at ${new Date(set.as_of).toISOString()} lies outside every connected period of connection ${connection.connection_id}; kept out of the view`,
        })),
      );
    }
    const applied = await applySnapshot(em, {
      connectionId: connection.connection_id,
      syncId: set.sync_id,
      tenantId: connection.tenant_id,
      asOf: set.as_of,
    });
    if (!applied) continue;
    const timeZone = await timeZoneOf(em, connection.tenant_id);
    touched.push({
      instanceId: connection.instance_id,
      tenantId: connection.tenant_id,
      from: dayOf(set.as_of, timeZone),
      to: null,
    });
  }
  await addToOutbox(em, reports);
  return touched;
}

async function pageReports(
  em: EntityManager,
  connection: KnownConnection,
  syncId: string,
  error: { code: ErrorCode; message: string },
): Promise<OutgoingEvent[]> {
  const pages = await query<{ event: { tenantId: string } }>(
    em,
    `select event from snapshot_page where connection_id = ? and sync_id = ? order by page`,
    [connection.connection_id, syncId],
  );
  return pages.map((p) =>
    dlqEntry(TOPICS.connectorSnapshots, connectorEventKey(p.event.tenantId, connection.connection_id), p.event, error),
  );
}

async function dropPages(
  em: EntityManager,
  connection: KnownConnection,
  syncId: string,
  error: { code: ErrorCode; message: string },
): Promise<OutgoingEvent[]> {
  const reports = await pageReports(em, connection, syncId, error);
  await query(em, `delete from snapshot_page where connection_id = ? and sync_id = ?`, [
    connection.connection_id,
    syncId,
  ]);
  return reports;
}
