import type { EntityName } from '@mikro-orm/core';
import { type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PollLoop } from '@org/kafka';
import { SERVICE_CONFIG } from '@org/service';
import { Histogram } from 'prom-client';
import type { ResolverConfig } from '../config';
import { ConnectorSnapshot } from '../connector/connector-snapshot.entity';
import { ConnectorUserRange } from '../connector/connector-user-range.entity';
import { SnapshotPage } from '../connector/snapshot-page.entity';
import { UsageFact } from '../connector/usage-fact.entity';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { buildRebuildStep, finishRebuild, nextRebuild } from './view-writer';

const rebuildDuration = new Histogram({
  name: 'view_rebuild_duration_seconds',
  help: 'View rebuilds, from the first step this process took to the switch, by reason',
  labelNames: ['reason'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
});

/**
 * R12: builds rebuilding views step by step, each step its own transaction holding the
 * instance's lock; the last step purges what the deleted connections brought and switches
 * readers to the new generation in the same transaction. Readers until then see the old
 * generation whole. The cursor lives in the database, so a restarted resolver carries on.
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
      const state = await nextRebuild(em);
      if (!state) return 0;
      const key = `${state.instanceId}:${state.rebuildGeneration}`;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, Date.now());
      if (state.rebuildCursor! <= state.lastDay) {
        const cursor = await buildRebuildStep(em, state, this.config.RESOLVER_REBUILD_STEP_DAYS);
        // The last step switches in its own transaction: one round less for every rebuild.
        if (cursor <= state.lastDay) return 1;
      }
      await purgeDeletedConnections(em, state.instanceId, state.tenantId);
      await finishRebuild(em, state);
      finished.push({ key, reason: state.rebuildReason ?? 'unknown' });
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
  const deleted = await em.find(
    ConnectionFact,
    { instanceId, tenantId, status: 'deleted', purged: false },
    { fields: ['connectionId'], disableIdentityMap: true },
  );
  const ids = deleted.map((d) => d.connectionId);
  if (!ids.length) return;
  await em.nativeUpdate(ConnectionFact, { connectionId: { $in: ids } }, { purged: true });
  const collected: Array<EntityName<{ connectionId: string }>> = [
    ConnectorUserRange,
    ConnectorSnapshot,
    UsageFact,
    SnapshotPage,
  ];
  for (const table of collected) {
    await em.nativeDelete(table, { connectionId: { $in: ids } });
  }
}
