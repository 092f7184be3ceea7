import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import { dayOf, dayToIso, isoToDay } from '@org/days';
import { ConnectorSnapshot } from '../connector/connector-snapshot.entity';
import { UsageFact } from '../connector/usage-fact.entity';
import { ActivityFact } from '../fact/activity-fact.entity';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { EstimateChange } from '../fact/estimate-change.entity';
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
  const snapshot = tableOf(em, ConnectorSnapshot);
  const use = tableOf(em, UsageFact);
  // Raw, like the two below: read at every refresh and rebuild step (npm run bench -- rebuild, snapshot).
  const snapshots = await (ids.length
    ? query<{ connection_id: string; at: number; active_users: number; tiers: Record<string, number> }>(
        em,
        `select ${snapshot.column('connectionId')} as connection_id,
           (extract(epoch from ${snapshot.column('asOf')}) * 1000)::float8 as at,
           ${snapshot.column('activeUsers')} as active_users, ${snapshot.column('tiers')} as tiers
         from ${snapshot.name} where ${snapshot.column('connectionId')} = any(?::uuid[]) and ${snapshot.column('state')} = 'applied'
         order by ${snapshot.column('asOf')}`,
        [ids],
      )
    : []);
  const usage = await (ids.length
    ? query<{ connection_id: string; day: string; users: number }>(
        em,
        `select ${use.column('connectionId')} as connection_id, ${use.column('day')}::text as day,
           (count(*) filter (where ${use.column('events')} > 0))::int as users
         from ${use.name} where ${use.column('connectionId')} = any(?::uuid[]) and ${use.column('day')} between ?::date and ?::date
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
  const estimateChanges = !showsEstimate(shown, timeZone, from, to) ? [] : await estimateChangesOf(em, scope);
  return {
    timeZone,
    connections: shown,
    estimateChanges,
    ssoActivity: new Map(ssoActivity.map((a) => [a.day, a.activeUsers])),
    firstLoginDay: instance?.firstLoginAt ? dayOf(instance.firstLoginAt.getTime(), timeZone) : null,
  };
}

/** Every change of the estimate's count, by day. */
async function estimateChangesOf(em: EntityManager, scope: FactScope): Promise<Array<{ day: number; delta: number }>> {
  const change = tableOf(em, EstimateChange);
  const rows = await query(
    em,
    `select ${change.columns(['day', 'delta'])} from ${change.name}
     where ${change.column('instanceId')} = ? and ${change.column('tenantId')} = ? and ${change.column('delta')} <> 0
     order by ${change.column('day')}`,
    [scope.instanceId, scope.tenantId],
  );
  return rows.map((r) => change.row(r));
}
