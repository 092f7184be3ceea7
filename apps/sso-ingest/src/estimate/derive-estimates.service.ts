import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { query, type Table, tableOf } from '@org/database';
import { dateMultirangeOf, dayOf, type DayRange, dayRangesOf, quarterToMs, sameRanges } from '@org/days';
import { AssignmentListRow } from '../assignment/assignment-list.entity';
import { AssignmentMembership } from '../assignment/assignment-membership.entity';
import { SsoInstance } from '../instance/sso-instance.entity';
import { LoginHistory } from '../login/login-history.entity';
import { TenantSettings } from '../tenant/tenant-settings.entity';
import { Estimate } from './estimate.entity';
import { estimateRanges, loginRanges } from './estimate-rules';

export interface Pair {
  instanceId: string;
  userId: string;
}

/** The key of every per-user table: (instance, user). */
const PAIR = ['instanceId', 'userId'] as const;

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
    const instance = tableOf(em, SsoInstance);
    const settings = tableOf(em, TenantSettings);
    const history = tableOf(em, LoginHistory);
    const membership = tableOf(em, AssignmentMembership);
    const estimate = tableOf(em, Estimate);
    const list = tableOf(em, AssignmentListRow);
    const ofPair = <T extends Pair>(alias: string, table: Table<T>) =>
      `${alias}.${table.column('instanceId')} = p.instance_id and ${alias}.${table.column('userId')} = p.user_id`;
    // Raw: six tables joined on `unnest` for a whole batch of pairs, the bulk shape npm run bench -- ingest keeps raw.
    const facts = await query<PairFacts>(
      em,
      `with p as (select distinct * from unnest(${estimate.arrayParameters(PAIR)}) as p(instance_id, user_id))
       select p.instance_id, p.user_id, i.${instance.column('tenantId')} as tenant_id,
              coalesce(t.${settings.column('timeZone')}, 'UTC') as time_zone,
              coalesce(t.${settings.column('estimateWindowDays')}, 120) as window_days,
              lh.${history.column('quarters')} as quarters, lh.${history.column('email')} as login_email,
              am.${membership.column('ranges')}::text as assigned, am.${membership.column('email')} as list_email,
              fl.first_list_day,
              e.${estimate.column('ranges')}::text as current, e.${estimate.column('email')} as current_email
       from p
       join ${instance.name} i on i.${instance.column('id')} = p.instance_id
       left join ${settings.name} t on t.${settings.column('tenantId')} = i.${instance.column('tenantId')}
       left join ${history.name} lh on ${ofPair('lh', history)}
       left join ${membership.name} am on ${ofPair('am', membership)}
       left join ${estimate.name} e on ${ofPair('e', estimate)}
       left join (
         select ${list.column('instanceId')} as instance_id, min(${list.column('day')}) as first_list_day
         from ${list.name} where ${list.column('instanceId')} in (select instance_id from p) group by 1
       ) fl on fl.instance_id = p.instance_id`,
      estimate.arrays(pairs, PAIR),
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
  const [email, ranges, version] = [estimates.column('email'), estimates.column('ranges'), estimates.column('version')];
  const stored = (column: string) => `${estimates.name}.${column}`;
  // Raw: a bulk `unnest` upsert of day multiranges, skipping unchanged rows (npm run bench -- ingest).
  await query(
    em,
    `${estimates.bulkInsert(written)}
     on conflict (${estimates.columns(PAIR)}) do update
       set ${estimates.excluded(['email', 'ranges'])}, ${version} = ${stored(version)} + 1
       where (${stored(ranges)}, ${stored(email)}) is distinct from (excluded.${ranges}, excluded.${email})`,
    estimates.arrays(
      rows.map((r) => ({ ...r, ranges: dateMultirangeOf(r.ranges) })),
      written,
    ),
  );
}
