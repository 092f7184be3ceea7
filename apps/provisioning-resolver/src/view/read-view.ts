import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import { dayOf, dayToIso } from '@org/days';
import { NotFoundError } from '@org/errors';
import { loadInstanceFacts, timeZoneOf } from './instance-facts';
import { ConnectorUserRange } from '../connector/connector-user-range.entity';
import { EstimateFact } from '../fact/estimate-fact.entity';
import { InstanceFact } from '../fact/instance-fact.entity';
import { viewDays } from './view-days';
import { type ViewDay, ViewDayRow } from './view-day.entity';
import { ViewState } from './view-state.entity';
import { rebuildOf } from './view-writer';

export interface InstanceView {
  state: ViewState | null;
  days: ViewDay[];
}

/** The instance of the tenant, or 404 (another tenant's answers the same as an unknown one). */
export async function viewStateOf(em: EntityManager, tenantId: string, instanceId: string): Promise<ViewState | null> {
  const state = await em.findOne(ViewState, { instanceId, tenantId }, { disableIdentityMap: true });
  if (state) return state;
  if (!(await em.count(InstanceFact, { instanceId, tenantId }))) throw new NotFoundError('instance', instanceId);
  return null;
}

/** Runs a read in one REPEATABLE READ, read-only transaction: an answer is one snapshot of the database. */
export const inOneSnapshot = <T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> =>
  em.fork().transactional(work, { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });

/**
 * Days `from`..`to` of the generation readers see. Days outside the stored ones (before the
 * first fact, after the last day the view writer has brought the view up to, or in the
 * future) are computed from the same facts by the same function, and not stored: callers
 * read inside one REPEATABLE READ transaction, so both come from one snapshot.
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
    ? await em.find(
        ViewDayRow,
        { instanceId, generation: state.generation, day: { $gte: from, $lte: to } },
        { disableIdentityMap: true },
      )
    : [];
  const byDay = new Map<number, ViewDay>(stored.map((d) => [d.day, d]));
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

/** One day of several instances of a tenant (the reclamation summary): stored where it is, else computed. */
export async function dayOfInstances(
  em: EntityManager,
  tenantId: string,
  instanceIds: string[],
  day: number,
): Promise<Map<string, ViewDay>> {
  const states = await em.find(
    ViewState,
    { tenantId, instanceId: { $in: instanceIds } },
    { fields: ['instanceId', 'generation'], disableIdentityMap: true },
  );
  const serving = new Map(states.map((s) => [s.instanceId, s.generation]));
  const stored = states.length
    ? await em.find(ViewDayRow, { instanceId: { $in: [...serving.keys()] }, day }, { disableIdentityMap: true })
    : [];
  const days = new Map<string, ViewDay>();
  for (const d of stored) if (serving.get(d.instanceId) === d.generation) days.set(d.instanceId, d);
  for (const instanceId of instanceIds)
    if (!days.has(instanceId)) days.set(instanceId, (await readViewDays(em, tenantId, instanceId, day, day)).days[0]);
  return days;
}

/**
 * The hot read, in one statement (one snapshot, so no transaction): the days of the serving
 * generation as the API shows them, stored as JSON text by the view writer, joined and passed
 * through. Null when any day of the range is not stored (the caller then computes them).
 * Raw: a lateral aggregate the ORM cannot express (npm run bench -- read).
 */
export async function storedViewJson(
  em: EntityManager,
  tenantId: string,
  instanceId: string,
  from: number,
  to: number,
): Promise<string | null> {
  const day = tableOf(em, ViewDayRow);
  const state = tableOf(em, ViewState);
  const [row] = await query<{
    generation: number;
    rebuild_generation: number | null;
    rebuild_progress: number;
    n: number;
    days: string | null;
  }>(
    em,
    `select s.${state.column('generation')}, s.${state.column('rebuildGeneration')}, s.${state.column('rebuildProgress')},
            d.n, d.days
     from ${state.name} s
     cross join lateral (
       select count(*)::int as n, string_agg(v.${day.column('shown')}, ',' order by v.${day.column('day')}) as days
       from ${day.name} v
       where v.${day.column('instanceId')} = s.${state.column('instanceId')}
         and v.${day.column('generation')} = s.${state.column('generation')}
         and v.${day.column('day')} between ?::date and ?::date
     ) d
     where s.${state.column('instanceId')} = ? and s.${state.column('tenantId')} = ?`,
    [dayToIso(from), dayToIso(to), instanceId, tenantId],
  );
  if (!row || row.n !== to - from + 1) return null;
  const rebuild = rebuildOf({
    generation: row.generation,
    rebuildGeneration: row.rebuild_generation,
    rebuildProgress: row.rebuild_progress,
  });
  return `{"instanceId":${JSON.stringify(instanceId)},"rebuild":${JSON.stringify(rebuild)},"days":[${row.days}]}`;
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
    return em
      .createQueryBuilder(ConnectorUserRange, 'u')
      .select(['userId', 'email', 'tier'])
      .where({ connectionId: day.connectionId!, tenantId, userId: { $gt: after }, status: 'active' })
      .andWhere(`u.${tableOf(em, ConnectorUserRange).column('during')} @> ?::timestamptz`, [
        new Date(day.snapshotAt!).toISOString(),
      ])
      .orderBy({ userId: 'asc' })
      .limit(limit)
      .execute<ViewUser[]>('all');
  }
  const users = await em
    .createQueryBuilder(EstimateFact, 'e')
    .select(['userId', 'email'])
    .where({ instanceId, tenantId, userId: { $gt: after } })
    .andWhere(`e.${tableOf(em, EstimateFact).column('days')} @> ?::date`, [dayToIso(day.day)])
    .orderBy({ userId: 'asc' })
    .limit(limit)
    .execute<Array<Omit<ViewUser, 'tier'>>>('all');
  return users.map((u) => ({ ...u, tier: null }));
}
