import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { query, tableOf } from '@org/database';
import { PollLoop } from '@org/kafka';
import { TenantSettings } from '../tenant/tenant-settings.entity';
import { ViewState } from './view-state.entity';
import { refreshViews } from './view-writer';

const BATCH = 50;

/**
 * A new day begins in each tenant's zone: brings every view up to today, so reads of recent
 * days come from the materialised view even for an instance nothing happened to since.
 * One batch of instances per transaction; the view state rows are the locks.
 */
@Injectable()
export class ExtendViewsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop = new PollLoop(ExtendViewsService.name, () => this.extendBatch(), 60_000);

  constructor(private readonly orm: MikroORM) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Extends up to BATCH views whose last day is before today in their tenant's zone; returns how many. */
  extendBatch(): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const state = tableOf(em, ViewState);
      const settings = tableOf(em, TenantSettings);
      const [tenantId, lastDay] = [state.column('tenantId'), state.column('lastDay')];
      // Raw: a join to each tenant's zone to find the views behind today, skipping locked ones.
      const behind = (
        await query(
          em,
          `select ${state.columns(['instanceId', 'tenantId', 'lastDay'], 's')} from ${state.name} s
           left join ${settings.name} t on t.${settings.column('tenantId')} = s.${tenantId}
           where s.${lastDay} < (now() at time zone coalesce(t.${settings.column('timeZone')}, 'UTC'))::date
             and s.${lastDay} >= s.${state.column('firstDay')} and s.${state.column('rebuildGeneration')} is null
           order by s.${state.column('instanceId')} limit ${BATCH} for update of s skip locked`,
        )
      ).map((r) => state.row(r));
      await refreshViews(
        em,
        behind.map((s) => ({ instanceId: s.instanceId, tenantId: s.tenantId, from: s.lastDay + 1, to: null })),
      );
      return behind.length;
    });
  }
}
