import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import { dayOf, dayToIso, isoToDay, startOfDay } from '@org/days';
import { ConnectorUserRange } from '../connector/connector-user-range.entity';
import { UsageFact } from '../connector/usage-fact.entity';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { EstimateFact } from '../fact/estimate-fact.entity';
import { UserActivityFact } from '../fact/user-activity-fact.entity';
import type { ViewDay } from '../view/view-days';
import type { Seat } from './reclaimable';

interface SeatRow {
  user_id: string;
  email: string;
  tier: string | null;
  since: string;
  login_at: number | null;
  usage_day: string | null;
  listed: boolean | null;
}

/**
 * R16, R17: the seats of today — the users the view's source of today counts — each with the
 * start of its current run as a seat, its last activity, and (connector seats of an instance
 * with assignment lists) whether the latest list has it. One statement, so a report reads
 * one consistent state.
 */
export async function seatsOfToday(
  em: EntityManager,
  scope: { tenantId: string; instanceId: string; timeZone: string; hasAssignmentLists: boolean },
  today: ViewDay,
): Promise<Seat[]> {
  const range = tableOf(em, ConnectorUserRange);
  const estimate = tableOf(em, EstimateFact);
  const activity = tableOf(em, UserActivityFact);
  const connection = tableOf(em, ConnectionFact);
  const usage = tableOf(em, UsageFact);
  const r = (p: keyof ConnectorUserRange & string) => range.column(p);
  const e = (p: keyof EstimateFact & string) => estimate.column(p);
  const todayIso = dayToIso(today.day);
  const { tenantId, instanceId } = scope;

  // A connector seat's run starts at the latest of its spans that does not continue an active one.
  const connectorSeats = `
    seat as (
      select ${r('userId')} as user_id, ${r('email')} as email, ${r('tier')} as tier from ${range.name}
      where ${r('connectionId')} = ? and ${r('tenantId')} = ? and ${r('status')} = 'active' and ${r('during')} @> ?::timestamptz),
    spans as (
      select s.${r('userId')} as user_id, lower(s.${r('during')}) as start, s.${r('status')} = 'active' as held,
        lag(upper(s.${r('during')})) over w as before_end, lag(s.${r('status')} = 'active') over w as held_before
      from ${range.name} s join seat on seat.user_id = s.${r('userId')}
      where s.${r('connectionId')} = ? and lower(s.${r('during')}) <= ?::timestamptz
      window w as (partition by s.${r('userId')} order by lower(s.${r('during')}))),
    runs as (
      select user_id, max(start) as start from spans
      where held and not (coalesce(held_before, false) and before_end = start) group by user_id),
    seats as (
      select seat.*, (runs.start at time zone ?)::date::text as since from seat join runs using (user_id))`;
  const connectorParameters = () => {
    const at = new Date(today.snapshotAt!).toISOString();
    return [today.connectionId, tenantId, at, today.connectionId, at, scope.timeZone];
  };
  const estimateSeats = `
    seats as (
      select f.${e('userId')} as user_id, f.${e('email')} as email, null::text as tier, lower(d)::text as since
      from ${estimate.name} f cross join lateral unnest(f.${e('days')}) d
      where f.${e('instanceId')} = ? and f.${e('tenantId')} = ? and f.${e('days')} @> ?::date and d @> ?::date)`;
  const connector = today.source === 'connector';

  // Raw: window functions over range columns, for up to every user of an instance (npm run bench -- reclamation).
  const rows = await query<SeatRow>(
    em,
    `with ${connector ? connectorSeats : estimateSeats},
     logins as (
       select lower(${activity.column('email')}) as person, max(${activity.column('lastLoginAt')}) as at
       from ${activity.name} where ${activity.column('instanceId')} = ? and ${activity.column('tenantId')} = ?
       group by 1),
     engaged as (
       select ${connection.column('connectionId')} as connection_id from ${connection.name}
       where ${connection.column('instanceId')} = ? and ${connection.column('tenantId')} = ?
         and ${connection.column('kind')} = 'engagement' and ${connection.column('status')} <> 'deleted'),
     used as (
       select lower(s.${r('email')}) as person, max(u.${usage.column('day')}) as day
       from ${usage.name} u join engaged c on c.connection_id = u.${usage.column('connectionId')}
       join ${range.name} s on s.${r('connectionId')} = u.${usage.column('connectionId')} and s.${r('userId')} = u.${usage.column('userId')}
       where u.${usage.column('events')} > 0 group by 1),
     listed as (
       select distinct lower(${e('email')}) as person from ${estimate.name}
       where ${e('instanceId')} = ? and ${e('tenantId')} = ? and ${e('days')} @> ?::date)
     select s.user_id, s.email, s.tier, s.since, (extract(epoch from l.at) * 1000)::float8 as login_at,
       g.day::text as usage_day, case when ? then li.person is not null end as listed
     from seats s
     left join logins l on l.person = lower(s.email)
     left join used g on g.person = lower(s.email)
     left join listed li on ? and li.person = lower(s.email)`,
    [
      ...(connector ? connectorParameters() : [instanceId, tenantId, todayIso, todayIso]),
      instanceId,
      tenantId,
      instanceId,
      tenantId,
      instanceId,
      tenantId,
      todayIso,
      connector && scope.hasAssignmentLists,
      connector && scope.hasAssignmentLists,
    ],
  );
  return rows.map((row) => seatOf(row, scope.timeZone));
}

/** R17: the later of the last login and the last day with usage (a usage day counts from its start). */
function seatOf(row: SeatRow, timeZone: string): Seat {
  const loginDay = row.login_at === null ? null : dayOf(row.login_at, timeZone);
  const usageDay = row.usage_day === null ? null : isoToDay(row.usage_day);
  const byUsage = usageDay !== null && (loginDay === null || usageDay > loginDay);
  return {
    userId: row.user_id,
    email: row.email,
    tier: row.tier,
    provisionedSince: isoToDay(row.since),
    lastActiveDay: byUsage ? usageDay : loginDay,
    lastActiveAt: byUsage ? startOfDay(usageDay!, timeZone) : row.login_at,
    inLatestList: row.listed,
  };
}
