import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { dayOf, dayToIso, isoToDay } from '@org/days';
import { type ConnectionFacts, type ConnectionKind, type InstanceFacts, showsEstimate } from './view-days';

export interface FactScope {
  instanceId: string;
  tenantId: string;
  /**
   * `serving`: the view readers see — a deleted connection's data counts until it is purged,
   * when the rebuilt generation takes over. `rebuilt`: that next generation, without any
   * deleted connection (R12).
   */
  generation: 'serving' | 'rebuilt';
  /** Leave this connection out as if deleted (the delete preview). */
  without?: string;
  /** The tenant's zone when the caller has it already. */
  timeZone?: string;
}

export async function timeZoneOf(em: EntityManager, tenantId: string): Promise<string> {
  const [row] = await query<{ time_zone: string }>(em, `select time_zone from tenant_settings where tenant_id = ?`, [
    tenantId,
  ]);
  return row?.time_zone ?? 'UTC';
}

/**
 * The facts of one instance the view is computed from, aggregated in SQL: seats come per
 * snapshot and estimate changes per day, not per user, so the cost in memory does not grow
 * with the number of users. Days `from`..`to` bound only the per-day tables.
 */
export async function loadInstanceFacts(
  em: EntityManager,
  scope: FactScope,
  from: number,
  to: number,
): Promise<InstanceFacts> {
  const connectionRows = await query<{
    connection_id: string;
    kind: ConnectionKind;
    supports_license_tiers: boolean;
    status: string;
    periods: Array<{ from: string; to: string | null }>;
  }>(
    em,
    `select connection_id, kind, supports_license_tiers, status, periods from connection_fact
     where instance_id = ? and tenant_id = ? and not purged`,
    [scope.instanceId, scope.tenantId],
  );
  const kept = connectionRows.filter(
    (c) => !(scope.generation === 'rebuilt' && c.status === 'deleted') && c.connection_id !== scope.without,
  );
  const ids = kept.map((c) => c.connection_id);
  // One after another: queries of one transaction share one connection.
  const timeZone = scope.timeZone ?? (await timeZoneOf(em, scope.tenantId));
  const snapshots = await (ids.length
    ? query<{ connection_id: string; at: number; active_users: number; tiers: Record<string, number> }>(
        em,
        `select connection_id, (extract(epoch from as_of) * 1000)::float8 as at, active_users, tiers
         from connector_snapshot where connection_id = any(?::uuid[]) and state = 'applied' order by as_of`,
        [ids],
      )
    : []);
  const usage = await (ids.length
    ? query<{ connection_id: string; day: string; users: number }>(
        em,
        `select connection_id, day::text, (count(*) filter (where events > 0))::int as users from usage_fact
           where connection_id = any(?::uuid[]) and day between ?::date and ?::date
           group by 1, 2`,
        [ids, dayToIso(from), dayToIso(to)],
      )
    : []);
  const [instance] = await query<{ first_login_at: number | null }>(
    em,
    `select (extract(epoch from first_login_at) * 1000)::float8 as first_login_at from instance_fact
     where instance_id = ? and tenant_id = ?`,
    [scope.instanceId, scope.tenantId],
  );
  const ssoActivity = await query<{ day: string; active_users: number }>(
    em,
    `select day::text, active_users from activity_fact
       where instance_id = ? and tenant_id = ? and day between ?::date and ?::date`,
    [scope.instanceId, scope.tenantId, dayToIso(from), dayToIso(to)],
  );

  const connections = new Map<string, ConnectionFacts>(
    kept.map((c) => [
      c.connection_id,
      {
        connectionId: c.connection_id,
        kind: c.kind,
        supportsLicenseTiers: c.supports_license_tiers,
        periods: c.periods.map((p) => ({ from: Date.parse(p.from), to: p.to === null ? null : Date.parse(p.to) })),
        snapshots: [],
        usage: new Map(),
      },
    ]),
  );
  for (const s of snapshots) {
    connections.get(s.connection_id)!.snapshots.push({ at: s.at, activeUsers: s.active_users, tiers: s.tiers });
  }
  for (const u of usage) connections.get(u.connection_id)!.usage.set(isoToDay(u.day), u.users);
  const shown = [...connections.values()];
  // Days all shown from connector snapshots need no estimate.
  const estimateChanges = !showsEstimate(shown, timeZone, from, to)
    ? []
    : await query<{ day: string; delta: number }>(
        em,
        `select day::text, delta from estimate_change
         where instance_id = ? and tenant_id = ? and delta <> 0 order by day`,
        [scope.instanceId, scope.tenantId],
      );
  return {
    timeZone,
    connections: shown,
    estimateChanges: estimateChanges.map((c) => ({ day: isoToDay(c.day), delta: c.delta })),
    ssoActivity: new Map(ssoActivity.map((a) => [isoToDay(a.day), a.active_users])),
    firstLoginDay: instance?.first_login_at == null ? null : dayOf(instance.first_login_at, timeZone),
  };
}
