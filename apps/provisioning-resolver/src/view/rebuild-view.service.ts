import { type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG } from '@org/service';
import type { ResolverConfig } from '../config';
import { instanceKey, newEvent, TOPICS } from '@org/contracts';
import { query } from '@org/database';
import { dayOf, dayToIso, isoToDay } from '@org/days';
import { addToOutbox, PollLoop } from '@org/kafka';
import { Histogram } from 'prom-client';
import { loadInstanceFacts, timeZoneOf } from './instance-facts';
import { lockViewState, VIEW_STATE_COLUMNS, type ViewStateRow, writeViewDays } from './refresh-view';
import { viewDays } from './view-days';

const rebuildDuration = new Histogram({
  name: 'view_rebuild_duration_seconds',
  help: 'View rebuilds, from the first step this process took to the switch, by reason',
  labelNames: ['reason'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
});

export type RebuildReason = 'connection_deleted' | 'time_zone_changed';

/**
 * R12: starts building the next generation of an instance's view (inside the caller's
 * transaction). A rebuild already under way starts over in a newer generation, so it also
 * leaves out whatever made this one necessary.
 */
export async function startRebuild(
  em: EntityManager,
  instanceId: string,
  tenantId: string,
  reason: RebuildReason,
  connectionId: string | null,
): Promise<void> {
  const today = dayOf(Date.now(), await timeZoneOf(em, tenantId));
  const state = await lockViewState(em, instanceId, tenantId, today);
  if (state.tenant_id !== tenantId) return;
  if (state.rebuild_generation !== null) {
    await query(em, `delete from view_day where instance_id = ? and generation = ?`, [
      instanceId,
      state.rebuild_generation,
    ]);
  }
  const generation = Math.max(state.generation, state.rebuild_generation ?? 0) + 1;
  await query(
    em,
    `update view_state set rebuild_generation = ?, rebuild_cursor = first_day, rebuild_progress = 0,
       rebuild_reason = ?, rebuild_connection_id = ?
     where instance_id = ?`,
    [generation, reason, connectionId, instanceId],
  );
  await addToOutbox(em, [
    rebuildEvent(
      'view.rebuild.started',
      { ...state, rebuild_reason: reason, rebuild_connection_id: connectionId },
      generation,
      0,
    ),
  ]);
}

/**
 * Builds rebuilding views step by step, each step its own transaction holding the instance's
 * lock; the last step purges what the deleted connections brought and switches readers to
 * the new generation in the same transaction. Readers until then see the old generation
 * whole. The cursor lives in the database, so a restarted resolver carries on.
 */
@Injectable()
export class RebuildViewService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop = new PollLoop(RebuildViewService.name, () => this.buildNextStep(), 200);
  /** When this process first worked on each rebuild (`instance:generation`), for its duration. */
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    @Inject(SERVICE_CONFIG) private readonly config: ResolverConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Called after a transaction that started a rebuild commits, so it begins without waiting for the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** One step of one rebuilding instance; returns 1, or 0 when nothing is rebuilding. */
  async buildNextStep(): Promise<number> {
    const finished: Array<{ key: string; reason: string }> = [];
    const steps = await this.orm.em.fork().transactional(async (em) => {
      const [state] = await query<ViewStateRow>(
        em,
        `select ${VIEW_STATE_COLUMNS} from view_state where rebuild_generation is not null
         order by instance_id limit 1 for update skip locked`,
      );
      if (!state) return 0;
      const generation = state.rebuild_generation!;
      const key = `${state.instance_id}:${generation}`;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, Date.now());
      const first = isoToDay(state.first_day);
      const last = isoToDay(state.last_day);
      const cursor = isoToDay(state.rebuild_cursor!);
      if (cursor <= last) {
        const to = Math.min(last, cursor + this.config.RESOLVER_REBUILD_STEP_DAYS - 1);
        const facts = await loadInstanceFacts(
          em,
          { instanceId: state.instance_id, tenantId: state.tenant_id, generation: 'rebuilt' },
          cursor,
          to,
        );
        await writeViewDays(em, state.instance_id, generation, viewDays(facts, cursor, to));
        const progress = Math.min(1, (to + 1 - first) / (last + 1 - first));
        await query(em, `update view_state set rebuild_cursor = ?::date, rebuild_progress = ? where instance_id = ?`, [
          dayToIso(to + 1),
          progress,
          state.instance_id,
        ]);
        await addToOutbox(em, [rebuildEvent('view.rebuild.progressed', state, generation, progress)]);
        return 1;
      }
      await purgeDeletedConnections(em, state.instance_id, state.tenant_id);
      await query(em, `delete from view_day where instance_id = ? and generation = ?`, [
        state.instance_id,
        state.generation,
      ]);
      await query(
        em,
        `update view_state set generation = rebuild_generation, rebuild_generation = null, rebuild_cursor = null,
           rebuild_progress = 0, rebuild_reason = null, rebuild_connection_id = null
         where instance_id = ?`,
        [state.instance_id],
      );
      await addToOutbox(em, [rebuildEvent('view.rebuild.finished', state, generation, 1)]);
      finished.push({ key, reason: state.rebuild_reason ?? 'unknown' });
      return 1;
    });
    for (const { key, reason } of finished) {
      const since = this.firstSeen.get(key);
      if (since !== undefined) rebuildDuration.observe({ reason }, (Date.now() - since) / 1000);
      this.firstSeen.delete(key);
    }
    return steps;
  }
}

/** R12: every piece of data a deleted connection collected, gone with the switch to the new generation. */
async function purgeDeletedConnections(em: EntityManager, instanceId: string, tenantId: string): Promise<void> {
  const deleted = await query<{ connection_id: string }>(
    em,
    `update connection_fact set purged = true
     where instance_id = ? and tenant_id = ? and status = 'deleted' and not purged returning connection_id`,
    [instanceId, tenantId],
  );
  const ids = deleted.map((d) => d.connection_id);
  if (!ids.length) return;
  for (const table of ['connector_user_range', 'connector_snapshot', 'usage_fact', 'snapshot_page']) {
    await query(em, `delete from ${table} where connection_id = any(?::uuid[])`, [ids]);
  }
}

function rebuildEvent(
  type: 'view.rebuild.started' | 'view.rebuild.progressed' | 'view.rebuild.finished',
  state: Pick<ViewStateRow, 'instance_id' | 'tenant_id' | 'rebuild_reason' | 'rebuild_connection_id'>,
  generation: number,
  progress: number,
) {
  return {
    topic: TOPICS.resolverViews,
    key: instanceKey(state.tenant_id, state.instance_id),
    value: newEvent(type, state.tenant_id, {
      instanceId: state.instance_id,
      connectionId: state.rebuild_connection_id,
      reason: state.rebuild_reason as RebuildReason,
      generation,
      progress,
    }),
  };
}
