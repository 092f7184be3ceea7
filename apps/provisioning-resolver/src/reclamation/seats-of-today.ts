import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import { dayToIso, startOfDay } from '@org/days';
import { ConnectorUserRange } from '../connector/connector-user-range.entity';
import { UsageFact } from '../connector/usage-fact.entity';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { EstimateFact } from '../fact/estimate-fact.entity';
import { UserActivityFact } from '../fact/user-activity-fact.entity';
import type { ViewDay } from '../view/view-days';
import type { Seat } from './reclaimable';

/** One instance whose seats are wanted: its view day of today, and whether it has assignment lists. */
export interface SeatSource {
  instanceId: string;
  today: ViewDay;
  hasAssignmentLists: boolean;
}

interface SeatRow {
  instance_id: string;
  user_id: string;
  email: string;
  tier: string | null;
  since: number;
  login_at: number | null;
  login_day: number | null;
  usage_day: number | null;
  listed: boolean | null;
}

/**
 * R16, R17: the seats of today of some instances of a tenant — the users each view's source of
 * today counts — each with the start of its current run as a seat, its last activity, and
 * (connector seats of an instance with assignment lists) whether the latest list has it. One
 * statement for them all, so a report reads one state and a summary does not pay per instance.
 * Days come as day numbers in the tenant's zone, computed by PostgreSQL.
 */
export async function seatsOfToday(
  em: EntityManager,
  tenantId: string,
  timeZone: string,
  sources: SeatSource[],
): Promise<Map<string, Seat[]>> {
  const seats = new Map<string, Seat[]>(sources.map((s) => [s.instanceId, []]));
  if (!sources.length) return seats;
  const range = tableOf(em, ConnectorUserRange);
  const estimate = tableOf(em, EstimateFact);
  const activity = tableOf(em, UserActivityFact);
  const connection = tableOf(em, ConnectionFact);
  const usage = tableOf(em, UsageFact);
  const r = (p: keyof ConnectorUserRange & string) => range.column(p);
  const e = (p: keyof EstimateFact & string) => estimate.column(p);
  const a = (p: keyof UserActivityFact & string) => activity.column(p);
  const c = (p: keyof ConnectionFact & string) => connection.column(p);
  const u = (p: keyof UsageFact & string) => usage.column(p);
  const connector = sources.filter((s) => s.today.source === 'connector');
  const estimated = sources.filter((s) => s.today.source !== 'connector');
  const day = (instant: string) => `((${instant}) at time zone ?)::date - date '1970-01-01'`;
  const today = dayToIso(sources[0].today.day);
  // The spans of an instance of 50k users sort in memory with this, not on disk (for this transaction only).
  await em.execute(`set local work_mem = '64MB'`);

  // Raw: window functions over range columns, for every seat of the instances at once (npm run bench -- reclamation).
  const rows = await query<SeatRow>(
    em,
    `with
     src as (
       select * from unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::boolean[]) as s(instance_id, connection_id, at, lists)),
     -- One pass over the spans of each connection up to its snapshot, no self-join (range
     -- selectivity is guessed low, and a nested loop over 50k users would be quadratic): the
     -- span held at the snapshot, and the run it belongs to, which starts at the latest span
     -- that does not continue an active one.
     spans as (
       select src.instance_id, src.lists, g.${r('connectionId')} as connection_id, g.${r('userId')} as user_id,
         g.${r('email')} as email, g.${r('tier')} as tier, lower(g.${r('during')}) as start,
         g.${r('status')} = 'active' as active, g.${r('during')} @> src.at as held,
         lag(upper(g.${r('during')})) over w as before_end, lag(g.${r('status')} = 'active') over w as active_before
       from src join ${range.name} g on g.${r('connectionId')} = src.connection_id and lower(g.${r('during')}) <= src.at
       where g.${r('tenantId')} = ?
       window w as (partition by g.${r('connectionId')}, g.${r('userId')} order by lower(g.${r('during')}))),
     seats as (
       -- Grouped as the window sorted them (connection, user): no second sort.
       select max(instance_id::text)::uuid as instance_id, user_id, max(email) filter (where held) as email,
         max(tier) filter (where held) as tier,
         ${day('max(start) filter (where active and not (coalesce(active_before, false) and before_end = start))')} as since,
         bool_or(lists) as lists
       from spans group by connection_id, user_id having bool_or(held and active)
       union all
       select f.${e('instanceId')}, f.${e('userId')}, f.${e('email')}, null::text, lower(d) - date '1970-01-01', false
       from ${estimate.name} f cross join lateral unnest(f.${e('days')}) d
       where f.${e('instanceId')} = any(?::uuid[]) and f.${e('tenantId')} = ? and f.${e('days')} @> ?::date and d @> ?::date),
     logins as (
       select ${a('instanceId')} as instance_id, lower(${a('email')}) as person, max(${a('lastLoginAt')}) as at
       from ${activity.name} where ${a('instanceId')} = any(?::uuid[]) and ${a('tenantId')} = ? group by 1, 2),
     engaged as (
       select ${c('instanceId')} as instance_id, ${c('connectionId')} as connection_id from ${connection.name}
       where ${c('instanceId')} = any(?::uuid[]) and ${c('tenantId')} = ?
         and ${c('kind')} = 'engagement' and ${c('status')} <> 'deleted'),
     used as (
       select engaged.instance_id, lower(g.${r('email')}) as person, max(x.${u('day')}) - date '1970-01-01' as day
       from ${usage.name} x join engaged on engaged.connection_id = x.${u('connectionId')}
       join ${range.name} g on g.${r('connectionId')} = x.${u('connectionId')} and g.${r('userId')} = x.${u('userId')}
       where x.${u('events')} > 0 group by 1, 2),
     listed as (
       select distinct f.${e('instanceId')} as instance_id, lower(f.${e('email')}) as person
       from ${estimate.name} f join src on src.lists and src.instance_id = f.${e('instanceId')}
       where f.${e('tenantId')} = ? and f.${e('days')} @> ?::date)
     select s.instance_id, s.user_id, s.email, s.tier, s.since, (extract(epoch from l.at) * 1000)::float8 as login_at,
       ${day('l.at')} as login_day, g.day as usage_day,
       case when s.lists then li.person is not null end as listed
     from seats s
     left join logins l on l.instance_id = s.instance_id and l.person = lower(s.email)
     left join used g on g.instance_id = s.instance_id and g.person = lower(s.email)
     left join listed li on s.lists and li.instance_id = s.instance_id and li.person = lower(s.email)`,
    [
      connector.map((s) => s.instanceId),
      connector.map((s) => s.today.connectionId),
      connector.map((s) => new Date(s.today.snapshotAt!).toISOString()),
      connector.map((s) => s.hasAssignmentLists),
      tenantId,
      timeZone,
      estimated.map((s) => s.instanceId),
      tenantId,
      today,
      today,
      sources.map((s) => s.instanceId),
      tenantId,
      sources.map((s) => s.instanceId),
      tenantId,
      tenantId,
      today,
      timeZone,
    ],
  );
  for (const row of rows) seats.get(row.instance_id)!.push(seatOf(row, timeZone));
  return seats;
}

/** R17: the later of the last login and the last day with usage (a usage day counts from its start). */
function seatOf(row: SeatRow, timeZone: string): Seat {
  const byUsage = row.usage_day !== null && (row.login_day === null || row.usage_day > row.login_day);
  return {
    userId: row.user_id,
    email: row.email,
    tier: row.tier,
    provisionedSince: row.since,
    lastActiveDay: byUsage ? row.usage_day : row.login_day,
    lastActiveAt: byUsage ? startOfDay(row.usage_day!, timeZone) : row.login_at,
    inLatestList: row.listed,
  };
}
