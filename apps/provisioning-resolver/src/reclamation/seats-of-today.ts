import type { EntityManager } from '@mikro-orm/postgresql';
import { query, tableOf } from '@org/database';
import type { ReclaimReason } from '@org/contracts';
import { dayToIso } from '@org/days';
import { ConnectorUserRange } from '../connector/connector-user-range.entity';
import { UsageFact } from '../connector/usage-fact.entity';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { EstimateFact } from '../fact/estimate-fact.entity';
import { UserActivityFact } from '../fact/user-activity-fact.entity';
import type { ViewDay } from '../view/view-days';
import { activeByUsage, daysInactive, isActive, personOf, reasonOf, type SeatColumns } from './reclaimable';

/** The columns of the statement's CTE `seat_facts` that R17 and R18 read (its tests select the same). */
export const SEAT_FACT_COLUMNS: SeatColumns = {
  loginDay: 'login_day',
  usageDay: 'usage_day',
  since: 'since',
  listed: 'listed',
  exempt: 'exempt',
  inactiveAfterDays: 'inactive_after_days',
  today: 'today',
};

/** One instance whose seats are wanted: its view day of today, whether it has assignment lists, its rule. */
export interface SeatSource {
  instanceId: string;
  today: ViewDay;
  hasAssignmentLists: boolean;
  inactiveAfterDays: number;
  exemptEmails: string[];
}

/** The reclaimable seats wanted besides the counts: one instance's, by user id, after a user, at most `limit` (null: all). */
export interface SeatsWanted {
  instanceId: string;
  reason: ReclaimReason | null;
  after: string | null;
  limit: number | null;
}

/** The seats of an instance with one tier (null: none), counted (R18). */
export interface TierSeats {
  instanceId: string;
  tier: string | null;
  provisioned: number;
  active: number;
  reclaimable: number;
  orphaned: number;
  never_used: number;
  inactive: number;
}

/** A reclaimable seat as R18 judged it; days are day numbers in the tenant's zone, instants epoch ms. */
export interface ReclaimableSeat {
  userId: string;
  email: string;
  tier: string | null;
  reason: ReclaimReason;
  lastActiveAt: number | null;
  provisionedSince: number;
  daysInactive: number | null;
}

/**
 * R16–R18 over the seats of today of some instances of a tenant — the users each view's source
 * of today counts — each with the start of its current run as a seat, its last activity, and
 * (connector seats of an instance with assignment lists) whether the latest list has it. One
 * statement for them all, so a report reads one state and a summary does not pay per instance;
 * it answers the counts per instance and tier, and the reclaimable seats `wanted`.
 */
export async function seatsOfToday(
  em: EntityManager,
  tenantId: string,
  timeZone: string,
  today: number,
  sources: SeatSource[],
  wanted: SeatsWanted | null,
): Promise<{ counts: TierSeats[]; seats: ReclaimableSeat[] }> {
  if (!sources.length) return { counts: [], seats: [] };
  const range = tableOf(em, ConnectorUserRange);
  const estimate = tableOf(em, EstimateFact);
  const activity = tableOf(em, UserActivityFact);
  const usage = tableOf(em, UsageFact);
  const r = (p: keyof ConnectorUserRange & string) => range.column(p);
  const e = (p: keyof EstimateFact & string) => estimate.column(p);
  const a = (p: keyof UserActivityFact & string) => activity.column(p);
  const u = (p: keyof UsageFact & string) => usage.column(p);
  const connector = sources.filter((s) => s.today.source === 'connector');
  const estimated = sources.filter((s) => s.today.source !== 'connector');
  const day = (instant: string) => `((${instant}) at time zone ?)::date - date '1970-01-01'`;
  const todayIso = dayToIso(today);
  // The engagement connections whose usage counts (R17), so their usage and users are read by index.
  const engaged = await em.find(
    ConnectionFact,
    {
      tenantId,
      instanceId: { $in: sources.map((s) => s.instanceId) },
      kind: 'engagement',
      status: { $ne: 'deleted' },
    },
    { fields: ['instanceId', 'connectionId'], disableIdentityMap: true },
  );
  // For this transaction only:
  // - the spans of an instance of 50k users sort in memory, not on disk;
  // - hash joins only: range predicates and CTEs are estimated at a row or two whatever the
  //   data, and for so few rows the planner would sort 50k seats to merge-join them, or loop
  //   over one side for every row of the other; every table below is reached through an index
  //   on the ids given;
  // - no JIT: the one loop left (an estimate's days, lateral) then costs "disabled", enough to start it.
  await query(
    em,
    `select set_config('work_mem', '64MB', true), set_config('enable_mergejoin', 'off', true),
       set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)`,
  );

  // Raw: range operators and window functions, for every seat of the instances at once (npm run bench -- reclamation).
  const [result] = await query<{ counts: TierSeats[]; seats: ReclaimableSeat[] }>(
    em,
    `with
     src as (
       select * from unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::boolean[]) as s(instance_id, connection_id, at, lists)),
     -- The span each connector seat holds at its snapshot.
     held as (
       select src.instance_id, src.lists, g.${r('connectionId')} as connection_id, g.${r('userId')} as user_id,
         g.${r('email')} as email, g.${r('tier')} as tier, g.${r('during')} as during
       from src join ${range.name} g on g.${r('connectionId')} = src.connection_id
       where g.${r('connectionId')} = any(?::uuid[]) and g.${r('tenantId')} = ?
         and g.${r('during')} @> src.at and g.${r('status')} = 'active'),
     -- The seats whose span continues an earlier active one (a tier change, say). Every other
     -- seat's run starts with the span it holds; only these users' spans are sorted.
     continued as materialized (
       select h.* from held h
       join ${range.name} p on p.${r('connectionId')} = h.connection_id and p.${r('userId')} = h.user_id
         and upper(p.${r('during')}) = lower(h.during)
       where p.${r('connectionId')} = any(?::uuid[]) and p.${r('status')} = 'active' and not upper_inf(p.${r('during')})),
     -- Their spans up to the one held, in order: the run starts at the latest span that does
     -- not continue an active one.
     spans as (
       select g.${r('connectionId')} as connection_id, g.${r('userId')} as user_id, lower(g.${r('during')}) as start,
         g.${r('status')} = 'active' and not coalesce(lag(g.${r('status')} = 'active') over w
           and lag(upper(g.${r('during')})) over w = lower(g.${r('during')}), false) as starts_run
       from continued c join ${range.name} g on g.${r('connectionId')} = c.connection_id and g.${r('userId')} = c.user_id
       where g.${r('connectionId')} = any(?::uuid[]) and lower(g.${r('during')}) <= lower(c.during)
       window w as (partition by g.${r('connectionId')}, g.${r('userId')} order by g.${r('during')})),
     runs as (
       select connection_id, user_id, max(start) filter (where starts_run) as start from spans group by 1, 2),
     seats as (
       select h.instance_id, h.user_id, h.email, ${personOf('h.email')} as person, h.tier,
         ${day('lower(h.during)')} as since, h.lists
       from held h where not exists (
         select from continued c where c.connection_id = h.connection_id and c.user_id = h.user_id)
       union all
       select c.instance_id, c.user_id, c.email, ${personOf('c.email')}, c.tier, ${day('runs.start')}, c.lists
       from continued c join runs on runs.connection_id = c.connection_id and runs.user_id = c.user_id
       union all
       select f.${e('instanceId')}, f.${e('userId')}, f.${e('email')}, ${personOf(`f.${e('email')}`)}, null::text,
         lower(d) - date '1970-01-01', false
       from ${estimate.name} f cross join lateral unnest(f.${e('days')}) d
       where f.${e('instanceId')} = any(?::uuid[]) and f.${e('tenantId')} = ? and f.${e('days')} @> ?::date and d @> ?::date),
     logins as (
       select ${a('instanceId')} as instance_id, ${personOf(a('email'))} as person, max(${a('lastLoginAt')}) as at
       from ${activity.name} where ${a('instanceId')} = any(?::uuid[]) and ${a('tenantId')} = ? group by 1, 2),
     engaged as (
       select * from unnest(?::uuid[], ?::uuid[]) as c(instance_id, connection_id)),
     used as (
       select engaged.instance_id, ${personOf(`g.${r('email')}`)} as person, max(x.${u('day')}) - date '1970-01-01' as day
       from ${usage.name} x join engaged on engaged.connection_id = x.${u('connectionId')}
       join ${range.name} g on g.${r('connectionId')} = x.${u('connectionId')} and g.${r('userId')} = x.${u('userId')}
       where x.${u('connectionId')} = any(?::uuid[]) and g.${r('connectionId')} = any(?::uuid[]) and x.${u('events')} > 0
       group by 1, 2),
     listed as (
       select distinct f.${e('instanceId')} as instance_id, ${personOf(`f.${e('email')}`)} as person
       from ${estimate.name} f
       where f.${e('instanceId')} = any(?::uuid[]) and f.${e('tenantId')} = ? and f.${e('days')} @> ?::date),
     rules as (
       select * from unnest(?::uuid[], ?::int[]) as r(instance_id, inactive_after_days)),
     exempt as (
       select distinct instance_id, ${personOf('email')} as person from unnest(?::uuid[], ?::text[]) as x(instance_id, email)),
     seat_facts as (
       select s.instance_id, s.user_id, s.email, s.tier, s.since, l.at as login_at, ${day('l.at')} as login_day,
         g.day as usage_day, case when s.lists then li.person is not null end as listed,
         x.person is not null as exempt, r.inactive_after_days, ?::int as today
       from seats s join rules r on r.instance_id = s.instance_id
       left join logins l on l.instance_id = s.instance_id and l.person = s.person
       left join used g on g.instance_id = s.instance_id and g.person = s.person
       left join listed li on s.lists and li.instance_id = s.instance_id and li.person = s.person
       left join exempt x on x.instance_id = s.instance_id and x.person = s.person),
     judged as (
       select *, ${reasonOf(SEAT_FACT_COLUMNS)} as reason, ${isActive(SEAT_FACT_COLUMNS)} as active from seat_facts)
     select
       (select coalesce(json_agg(c), '[]') from (
         select instance_id as "instanceId", tier, count(*)::int as provisioned, (count(*) filter (where active))::int as active,
           count(reason)::int as reclaimable, (count(*) filter (where reason = 'orphaned'))::int as orphaned,
           (count(*) filter (where reason = 'never_used'))::int as never_used, (count(*) filter (where reason = 'inactive'))::int as inactive
         from judged group by instance_id, tier) c) as counts,
       ${
         // The seats asked for, their last activity and days inactive computed for them only.
         wanted
           ? `(select coalesce(json_agg(i order by i."userId" collate "C"), '[]') from (
         select user_id as "userId", email, tier, reason,
           case when ${activeByUsage(SEAT_FACT_COLUMNS)}
             then extract(epoch from (date '1970-01-01' + usage_day)::timestamp at time zone ?) * 1000
             else extract(epoch from login_at) * 1000 end::float8 as "lastActiveAt",
           since as "provisionedSince", ${daysInactive(SEAT_FACT_COLUMNS)} as "daysInactive"
         from (
           select * from judged where instance_id = ?::uuid and reason is not null and (?::text is null or reason = ?::text)
             and (?::text is null or user_id collate "C" > ?::text)
           order by user_id collate "C" limit ?::int) page) i)`
           : `'[]'::json`
       } as seats`,
    [
      connector.map((s) => s.instanceId),
      connector.map((s) => s.today.connectionId),
      connector.map((s) => new Date(s.today.snapshotAt!).toISOString()),
      connector.map((s) => s.hasAssignmentLists),
      connector.map((s) => s.today.connectionId),
      tenantId,
      connector.map((s) => s.today.connectionId),
      connector.map((s) => s.today.connectionId),
      timeZone,
      timeZone,
      estimated.map((s) => s.instanceId),
      tenantId,
      todayIso,
      todayIso,
      sources.map((s) => s.instanceId),
      tenantId,
      engaged.map((c) => c.instanceId),
      engaged.map((c) => c.connectionId),
      engaged.map((c) => c.connectionId),
      engaged.map((c) => c.connectionId),
      connector.filter((s) => s.hasAssignmentLists).map((s) => s.instanceId),
      tenantId,
      todayIso,
      sources.map((s) => s.instanceId),
      sources.map((s) => s.inactiveAfterDays),
      sources.flatMap((s) => s.exemptEmails.map(() => s.instanceId)),
      sources.flatMap((s) => s.exemptEmails),
      timeZone,
      today,
      ...(wanted
        ? [timeZone, wanted.instanceId, wanted.reason, wanted.reason, wanted.after, wanted.after, wanted.limit]
        : []),
    ],
  );
  return { counts: result.counts, seats: result.seats };
}
