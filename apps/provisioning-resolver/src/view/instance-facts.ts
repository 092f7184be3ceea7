import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { dayOf, dayToIso, isoToDay } from '@org/days';
import { ActivityFact } from '../fact/activity-fact.entity';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { InstanceFact } from '../fact/instance-fact.entity';
import { TenantSettings } from '../tenant/tenant-settings.entity';
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
  const settings = await em.findOne(TenantSettings, { tenantId }, { fields: ['timeZone'], disableIdentityMap: true });
  return settings?.timeZone ?? 'UTC';
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
  const connectionRows = await em.find(
    ConnectionFact,
    { instanceId: scope.instanceId, tenantId: scope.tenantId, purged: false },
    { fields: ['connectionId', 'kind', 'supportsLicenseTiers', 'status', 'periods'], disableIdentityMap: true },
  );
  const kept = connectionRows.filter(
    (c) => !(scope.generation === 'rebuilt' && c.status === 'deleted') && c.connectionId !== scope.without,
  );
  const ids = kept.map((c) => c.connectionId);
  // One after another: queries of one transaction share one connection.
  const timeZone = scope.timeZone ?? (await timeZoneOf(em, scope.tenantId));
  // Raw, like the two below: read at every refresh and rebuild step (npm run bench -- rebuild, snapshot).
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
  const instance = await em.findOne(
    InstanceFact,
    { instanceId: scope.instanceId, tenantId: scope.tenantId },
    { fields: ['firstLoginAt'], disableIdentityMap: true },
  );
  const ssoActivity = await em.find(
    ActivityFact,
    { instanceId: scope.instanceId, tenantId: scope.tenantId, day: { $gte: from, $lte: to } },
    { fields: ['day', 'activeUsers'], disableIdentityMap: true },
  );

  const connections = new Map<string, ConnectionFacts>(
    kept.map((c) => [
      c.connectionId,
      {
        connectionId: c.connectionId,
        kind: c.kind as ConnectionKind,
        supportsLicenseTiers: c.supportsLicenseTiers,
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
    ssoActivity: new Map(ssoActivity.map((a) => [a.day, a.activeUsers])),
    firstLoginDay: instance?.firstLoginAt ? dayOf(instance.firstLoginAt.getTime(), timeZone) : null,
  };
}
