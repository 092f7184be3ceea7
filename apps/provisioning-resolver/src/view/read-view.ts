import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@org/database';
import { dayOf, dayToIso, isoToDay } from '@org/days';
import { NotFoundError } from '@org/errors';
import { loadInstanceFacts, timeZoneOf } from './instance-facts';
import { rebuildOf, VIEW_STATE_COLUMNS, type ViewStateRow } from './refresh-view';
import { type ViewDay, viewDays } from './view-days';

export interface InstanceView {
  state: ViewStateRow | undefined;
  days: ViewDay[];
}

/** The instance of the tenant, or 404 (another tenant's answers the same as an unknown one). */
export async function viewStateOf(
  em: EntityManager,
  tenantId: string,
  instanceId: string,
): Promise<ViewStateRow | undefined> {
  const [state] = await query<ViewStateRow>(
    em,
    `select ${VIEW_STATE_COLUMNS} from view_state where instance_id = ? and tenant_id = ?`,
    [instanceId, tenantId],
  );
  if (state) return state;
  const [known] = await query(em, `select 1 from instance_fact where instance_id = ? and tenant_id = ?`, [
    instanceId,
    tenantId,
  ]);
  if (!known) throw new NotFoundError('instance', instanceId);
  return undefined;
}

/**
 * Days `from`..`to` of the generation readers see. Days not materialised (before the first
 * fact, or after the last day the view was brought up to) are computed from the same facts;
 * callers read inside one REPEATABLE READ transaction, so both come from one snapshot.
 */
export async function readViewDays(
  em: EntityManager,
  tenantId: string,
  instanceId: string,
  from: number,
  to: number,
): Promise<InstanceView> {
  const state = await viewStateOf(em, tenantId, instanceId);
  const stored = state
    ? await query<{
        day: string;
        source: ViewDay['source'];
        connection_id: string | null;
        connection_kind: ViewDay['connectionKind'];
        provisioned_users: number;
        tiers: Record<string, number> | null;
        active_users: number | null;
        stale_days: number | null;
        awaiting_first_sync: boolean;
        snapshot_at: string | null;
      }>(
        em,
        `select day::text, source, connection_id, connection_kind, provisioned_users, tiers, active_users, stale_days,
                awaiting_first_sync, snapshot_at
         from view_day where instance_id = ? and generation = ? and day between ?::date and ?::date order by day`,
        [instanceId, state.generation, dayToIso(from), dayToIso(to)],
      )
    : [];
  const byDay = new Map<number, ViewDay>(
    stored.map((r) => [
      isoToDay(r.day),
      {
        day: isoToDay(r.day),
        source: r.source,
        connectionId: r.connection_id,
        connectionKind: r.connection_kind,
        provisionedUsers: r.provisioned_users,
        tiers: r.tiers,
        activeUsers: r.active_users,
        staleDays: r.stale_days,
        awaitingFirstSync: r.awaiting_first_sync,
        snapshotAt: r.snapshot_at === null ? null : Number(r.snapshot_at),
      },
    ]),
  );
  if (byDay.size < to - from + 1) {
    const missing = [];
    for (let day = from; day <= to; day++) if (!byDay.has(day)) missing.push(day);
    const facts = await loadInstanceFacts(
      em,
      { instanceId, tenantId, generation: 'serving' },
      missing[0],
      missing[missing.length - 1],
    );
    for (const d of viewDays(facts, missing[0], missing[missing.length - 1]))
      if (!byDay.has(d.day)) byDay.set(d.day, d);
  }
  const days: ViewDay[] = [];
  for (let day = from; day <= to; day++) days.push(byDay.get(day)!);
  return { state, days };
}

/**
 * The hot read, in one statement (one snapshot, so no transaction): the days of the serving
 * generation as JSON built by PostgreSQL, passed through as text. Null when any day of the
 * range is not materialised (the caller then computes them).
 */
export async function storedViewJson(
  em: EntityManager,
  tenantId: string,
  instanceId: string,
  from: number,
  to: number,
): Promise<string | null> {
  const [row] = await query<{
    generation: number;
    rebuild_generation: number | null;
    rebuild_progress: number;
    n: number;
    days: string | null;
  }>(
    em,
    `select s.generation, s.rebuild_generation, s.rebuild_progress, d.n, d.days::text as days
     from view_state s
     cross join lateral (
       select count(*)::int as n,
              json_agg(json_build_object(
                'day', v.day::text, 'source', v.source, 'connectionId', v.connection_id,
                'connectionKind', v.connection_kind, 'provisionedUsers', v.provisioned_users, 'tiers', v.tiers,
                'activeUsers', v.active_users, 'staleDays', v.stale_days, 'awaitingFirstSync', v.awaiting_first_sync
              ) order by v.day) as days
       from view_day v
       where v.instance_id = s.instance_id and v.generation = s.generation and v.day between ?::date and ?::date
     ) d
     where s.instance_id = ? and s.tenant_id = ?`,
    [dayToIso(from), dayToIso(to), instanceId, tenantId],
  );
  if (!row || row.n !== to - from + 1) return null;
  return `{"instanceId":${JSON.stringify(instanceId)},"rebuild":${JSON.stringify(rebuildOf(row))},"days":${row.days}}`;
}

export async function todayOf(em: EntityManager, tenantId: string): Promise<number> {
  return dayOf(Date.now(), await timeZoneOf(em, tenantId));
}

export interface ViewUser {
  userId: string;
  email: string;
  tier: string | null;
}

/** The users behind one view day, by user id, after `after`: the snapshot's active users, or the estimate's. */
export async function usersOfDay(
  em: EntityManager,
  tenantId: string,
  instanceId: string,
  day: ViewDay,
  after: string,
  limit: number,
): Promise<ViewUser[]> {
  if (day.source === 'connector') {
    return query<ViewUser>(
      em,
      `select user_id as "userId", email, tier from connector_user_range
       where connection_id = ? and tenant_id = ? and user_id > ? and status = 'active' and during @> ?::timestamptz
       order by user_id limit ?`,
      [day.connectionId, tenantId, after, new Date(day.snapshotAt!).toISOString(), limit],
    );
  }
  const iso = dayToIso(day.day);
  return query<ViewUser>(
    em,
    `select e.user_id as "userId", e.email, null as tier from estimate_fact e
     where e.instance_id = ? and e.tenant_id = ? and e.user_id > ?
       and e.days @> ?::date
     order by e.user_id limit ?`,
    [instanceId, tenantId, after, iso, limit],
  );
}
