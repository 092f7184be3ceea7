import { LockMode, raw } from '@mikro-orm/core';
import { type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PollLoop } from '@org/kafka';
import { AssignmentListRow } from '../assignment/assignment-list.entity';
import { AssignmentMembership } from '../assignment/assignment-membership.entity';
import { SsoInstance } from '../instance/sso-instance.entity';
import { LoginHistory } from '../login/login-history.entity';
import { TenantSettings } from '../tenant/tenant-settings.entity';
import { settingsOf } from '../tenant/tenant-settings';
import { tableOf } from '@org/database';
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
      const settings = tableOf(em, TenantSettings);
      const instance = tableOf(em, SsoInstance);
      // Skip locked: concurrent workers each take another instance.
      const stale = await em
        .createQueryBuilder(SsoInstance, 'i')
        .select(['i.id', 'i.tenantId'])
        .where(
          raw(
            `exists (select 1 from ${settings.name} t where t.${settings.column('tenantId')} = i.${instance.column('tenantId')}
              and (${settings.columns(['timeZone', 'estimateWindowDays'], 't')})
                is distinct from (${instance.columns(['derivedTimeZone', 'derivedWindowDays'], 'i')}))`,
          ),
        )
        .limit(1)
        .setLockMode(LockMode.PESSIMISTIC_PARTIAL_WRITE)
        .execute('get');
      if (!stale) return 0;
      const { timeZone, windowDays } = (await settingsOf(em, [stale.tenantId])).get(stale.tenantId)!;
      await this.remapAssignmentDays(em, stale.id, timeZone);
      const logins = await em.find(
        LoginHistory,
        { instanceId: stale.id },
        { fields: ['quarters'], disableIdentityMap: true },
      );
      const counts = new Map<number, number>();
      for (const { quarters } of logins) {
        for (const day of loginDaysOf(quarters, timeZone)) counts.set(day, (counts.get(day) ?? 0) + 1);
      }
      await replaceActivity(em, stale.id, stale.tenantId, counts);
      await this.estimates.refresh(em, await this.estimates.pairsOfInstance(em, stale.id));
      await em.nativeUpdate(SsoInstance, stale.id, { derivedTimeZone: timeZone, derivedWindowDays: windowDays });
      return 1;
    });
  }

  /** A list's day is the day of its `asOf` in the tenant's zone: move lists and memberships with it. */
  private async remapAssignmentDays(em: EntityManager, instanceId: string, timeZone: string) {
    const lists = await em.find(AssignmentListRow, { instanceId });
    if (!lists.length) return;
    const members = await em.find(AssignmentMembership, { instanceId });
    const remapped = remapLists(
      lists.map((l) => ({ day: l.day, asOf: l.asOf.getTime(), syncId: l.syncId })),
      new Map(members.map((m) => [m.userId, dayRangesOf(m.ranges)])),
      (asOf) => dayOf(asOf, timeZone),
    );
    await em.nativeDelete(AssignmentListRow, { instanceId });
    await em.insertMany(
      AssignmentListRow,
      remapped.lists.map((l) => ({ instanceId, day: l.day, asOf: new Date(l.asOf), syncId: l.syncId })),
    );
    for (const m of members) m.ranges = dateMultirangeOf(remapped.members.get(m.userId)!);
    // Now, not at commit: the estimates are derived from these rows next.
    await em.flush();
  }
}
