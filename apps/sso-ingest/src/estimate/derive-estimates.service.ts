import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { query, tableOf } from '@org/database';
import { dateMultirangeOf, dayOf, type DayRange, dayRangesOf, quarterToMs, sameRanges } from '@org/days';
import { AssignmentListRow } from '../assignment/assignment-list.entity';
import { AssignmentMembership } from '../assignment/assignment-membership.entity';
import { LoginHistory } from '../login/login-history.entity';
import { Estimate } from './estimate.entity';
import { estimateRanges, loginRanges } from './estimate-rules';

export interface Pair {
  instanceId: string;
  userId: string;
}

interface PairFacts {
  instance_id: string;
  user_id: string;
  tenant_id: string;
  time_zone: string;
  window_days: number;
  quarters: number[] | null;
  login_email: string | null;
  /** `datemultirange` text. */
  assigned: string | null;
  list_email: string | null;
  first_list_day: number | null;
  /** `datemultirange` text. */
  current: string | null;
  current_email: string | null;
}

/** The distinct local days of a user's logins. */
export const loginDaysOf = (quarters: Iterable<number>, timeZone: string): Set<number> =>
  new Set([...quarters].map((q) => dayOf(quarterToMs(q), timeZone)));

/**
 * Recomputes the estimate (R1) of (instance, user) pairs from their facts — logins, the
 * instance's assignment lists, the tenant's settings — and stores those that changed,
 * marking them for sso.estimates.v1. The result depends only on the facts, never on the
 * order they arrived in (R15).
 */
@Injectable()
export class DeriveEstimatesService {
  async refresh(em: EntityManager, pairs: Pair[]): Promise<number> {
    if (!pairs.length) return 0;
    // Raw: six tables joined on `unnest` for a whole batch of pairs, the bulk shape npm run bench -- ingest keeps raw.
    const facts = await query<PairFacts>(
      em,
      `with p as (select distinct * from unnest(?::uuid[], ?::text[]) as p(instance_id, user_id))
       select p.instance_id, p.user_id, i.tenant_id,
              coalesce(t.time_zone, 'UTC') as time_zone, coalesce(t.estimate_window_days, 120) as window_days,
              lh.quarters, lh.email as login_email, am.ranges::text as assigned, am.email as list_email,
              fl.first_list_day,
              e.ranges::text as current, e.email as current_email
       from p
       join sso_instance i on i.id = p.instance_id
       left join tenant_settings t on t.tenant_id = i.tenant_id
       left join login_history lh on lh.instance_id = p.instance_id and lh.user_id = p.user_id
       left join assignment_membership am on am.instance_id = p.instance_id and am.user_id = p.user_id
       left join estimate e on e.instance_id = p.instance_id and e.user_id = p.user_id
       left join (
         select instance_id, min(day) as first_list_day from assignment_list
         where instance_id in (select instance_id from p) group by instance_id
       ) fl on fl.instance_id = p.instance_id`,
      [pairs.map((p) => p.instanceId), pairs.map((p) => p.userId)],
    );
    const changed = facts.flatMap((f) => {
      const ranges = estimateRanges({
        loginDays: loginDaysOf(f.quarters ?? [], f.time_zone),
        windowDays: f.window_days,
        firstListDay: f.first_list_day,
        assigned: f.assigned === null ? [] : dayRangesOf(f.assigned),
      });
      const email = f.list_email ?? f.login_email ?? f.current_email ?? '';
      if (f.current !== null && sameRanges(dayRangesOf(f.current), ranges) && f.current_email === email) return [];
      if (!f.current && !ranges.length) return [];
      return [{ ...f, ranges, email }];
    });
    if (!changed.length) return 0;
    await writeEstimates(
      em,
      changed.map((c) => ({
        instanceId: c.instance_id,
        userId: c.user_id,
        tenantId: c.tenant_id,
        email: c.email,
        ranges: c.ranges,
      })),
    );
    return changed.length;
  }

  /**
   * The hot path's shortcut: on an instance without assignment lists the estimate is the
   * login ranges alone (R1), computed from the days just merged; the others go through
   * `refresh`. Unchanged ranges are not written, so they are not published again.
   */
  async storeLoginEstimates(
    em: EntityManager,
    changed: Array<Pair & { tenantId: string; email: string; days: Set<number>; windowDays: number }>,
  ): Promise<void> {
    if (!changed.length) return;
    const withLists = new Set(
      (
        await em
          .createQueryBuilder(AssignmentListRow)
          .select('instanceId', true)
          .where({ instanceId: [...new Set(changed.map((c) => c.instanceId))] })
          .execute('all')
      ).map((r) => r.instanceId),
    );
    const direct = changed.filter((c) => !withLists.has(c.instanceId));
    await this.refresh(
      em,
      changed.filter((c) => withLists.has(c.instanceId)),
    );
    if (!direct.length) return;
    await writeEstimates(
      em,
      direct.map((c) => ({ ...c, ranges: loginRanges(c.days, c.windowDays) })),
    );
  }

  /** Every user the instance knows of: from its logins and from its assignment lists. */
  async pairsOfInstance(em: EntityManager, instanceId: string): Promise<Pair[]> {
    const users = (entity: EntityName<{ instanceId: string; userId: string }>) =>
      em.createQueryBuilder(entity).select('userId').where({ instanceId });
    const rows = await users(LoginHistory)
      .union(users(AssignmentMembership), users(Estimate))
      .execute<Array<{ userId: string }>>('all');
    return rows.map((r) => ({ instanceId, userId: r.userId }));
  }
}

/**
 * Stores estimates and marks them for sso.estimates.v1; a row whose ranges and email did not
 * change is left alone, so it is not published again.
 */
async function writeEstimates(
  em: EntityManager,
  rows: Array<Pair & { tenantId: string; email: string; ranges: DayRange[] }>,
): Promise<void> {
  if (!rows.length) return;
  const estimates = tableOf(em, Estimate);
  const written = ['instanceId', 'userId', 'tenantId', 'email', 'ranges'] as const;
  // Raw: a bulk `unnest` upsert of day multiranges, skipping unchanged rows (npm run bench -- ingest).
  await query(
    em,
    `${estimates.bulkInsert(written)}
     on conflict (instance_id, user_id) do update
       set email = excluded.email, ranges = excluded.ranges, version = estimate.version + 1
       where (estimate.ranges, estimate.email) is distinct from (excluded.ranges, excluded.email)`,
    [
      rows.map((r) => r.instanceId),
      rows.map((r) => r.userId),
      rows.map((r) => r.tenantId),
      rows.map((r) => r.email),
      rows.map((r) => dateMultirangeOf(r.ranges)),
    ],
  );
}
