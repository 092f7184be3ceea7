import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { query } from '@org/database';
import { PollLoop } from '@org/kafka';
import { remapLists } from './assignment-lists';
import { replaceActivity } from './count-activity';
import { dateMultirangeOf, dayOf, dayRangesOf } from '@org/days';
import { DeriveEstimatesService, loginDaysOf } from './derive-estimates.service';

/**
 * When a tenant changes its time zone or window (PATCH /v1/tenant → tenants.v1), derives
 * again, one instance per transaction, everything that depends on them: the days of its
 * assignment lists, its daily activity and every estimate. An instance records the settings
 * it was derived with, so a restart simply picks up where this stopped.
 */
@Injectable()
export class RederiveEstimatesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop = new PollLoop(RederiveEstimatesService.name, () => this.rederiveNext(), 500);

  constructor(
    private readonly orm: MikroORM,
    private readonly estimates: DeriveEstimatesService,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  // Before the ORM closes (onApplicationShutdown): a loop left running would wait on a closed pool.
  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Re-derives one instance whose settings are out of date; returns 1, or 0 when none is. */
  async rederiveNext(): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const [stale] = await query<{ id: string; tenant_id: string; time_zone: string; window_days: number }>(
        em,
        `select i.id, i.tenant_id, t.time_zone, t.estimate_window_days as window_days
         from sso_instance i join tenant_settings t on t.tenant_id = i.tenant_id
         where (i.derived_time_zone, i.derived_window_days) is distinct from (t.time_zone, t.estimate_window_days)
         limit 1 for update of i skip locked`,
      );
      if (!stale) return 0;
      await this.remapAssignmentDays(em, stale.id, stale.time_zone);
      const logins = await query<{ quarters: number[] }>(
        em,
        'select quarters from login_history where instance_id = ?',
        [stale.id],
      );
      const counts = new Map<number, number>();
      for (const { quarters } of logins) {
        for (const day of loginDaysOf(quarters, stale.time_zone)) counts.set(day, (counts.get(day) ?? 0) + 1);
      }
      await replaceActivity(em, stale.id, stale.tenant_id, counts);
      await this.estimates.refresh(em, await this.estimates.pairsOfInstance(em, stale.id));
      await query(em, 'update sso_instance set derived_time_zone = ?, derived_window_days = ? where id = ?', [
        stale.time_zone,
        stale.window_days,
        stale.id,
      ]);
      return 1;
    });
  }

  /** A list's day is the day of its `asOf` in the tenant's zone: move lists and memberships with it. */
  private async remapAssignmentDays(em: Parameters<typeof query>[0], instanceId: string, timeZone: string) {
    const lists = await query<{ day: number; as_of: Date; sync_id: string }>(
      em,
      'select day, as_of, sync_id from assignment_list where instance_id = ?',
      [instanceId],
    );
    if (!lists.length) return;
    const members = await query<{ user_id: string; ranges: string }>(
      em,
      'select user_id, ranges::text from assignment_membership where instance_id = ?',
      [instanceId],
    );
    const remapped = remapLists(
      lists.map((l) => ({ day: l.day, asOf: new Date(l.as_of).getTime(), syncId: l.sync_id })),
      new Map(members.map((m) => [m.user_id, dayRangesOf(m.ranges)])),
      (asOf) => dayOf(asOf, timeZone),
    );
    await query(em, 'delete from assignment_list where instance_id = ?', [instanceId]);
    await query(
      em,
      `insert into assignment_list (instance_id, day, as_of, sync_id)
       select ?, * from unnest(?::int[], ?::timestamptz[], ?::text[])`,
      [
        instanceId,
        remapped.lists.map((l) => l.day),
        remapped.lists.map((l) => new Date(l.asOf).toISOString()),
        remapped.lists.map((l) => l.syncId),
      ],
    );
    await query(
      em,
      `update assignment_membership m set ranges = r.ranges
       from unnest(?::text[], ?::datemultirange[]) as r(user_id, ranges)
       where m.instance_id = ? and m.user_id = r.user_id`,
      [[...remapped.members.keys()], [...remapped.members.values()].map((r) => dateMultirangeOf(r)), instanceId],
    );
  }
}
