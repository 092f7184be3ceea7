import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { query } from '@org/database';
import { isoToDay } from '@org/days';
import { PollLoop } from '@org/kafka';
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
      // Raw: a join to each tenant's zone to find the views behind today, skipping locked ones.
      const behind = await query<{ instance_id: string; tenant_id: string; last_day: string }>(
        em,
        `select s.instance_id, s.tenant_id, s.last_day::text from view_state s
         left join tenant_settings t on t.tenant_id = s.tenant_id
         where s.last_day < (now() at time zone coalesce(t.time_zone, 'UTC'))::date
           and s.last_day >= s.first_day and s.rebuild_generation is null
         order by s.instance_id limit ${BATCH} for update of s skip locked`,
      );
      await refreshViews(
        em,
        behind.map((s) => ({
          instanceId: s.instance_id,
          tenantId: s.tenant_id,
          from: isoToDay(s.last_day) + 1,
          to: null,
        })),
      );
      return behind.length;
    });
  }
}
