import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { connectorEventKey, TOPICS } from '@org/contracts';
import { query } from '@org/database';
import { addToOutbox, dlqEntry, PollLoop } from '@org/kafka';
import { SERVICE_CONFIG } from '@org/service';
import type { ResolverConfig } from '../config';

const BATCH = 500;

export interface UsageRow {
  connection_id: string;
  day: string;
  user_id: string;
  tenant_id: string;
  events: number;
  event_id: string;
}

/** The connector.usage event a usage row came from, for the DLQ. */
export const usageEvent = (u: UsageRow) => ({
  id: u.event_id,
  type: 'connector.usage',
  version: 1,
  tenantId: u.tenant_id,
  data: { connectionId: u.connection_id, userId: u.user_id, day: u.day, events: u.events },
});

/**
 * The bound on waiting (SPEC §4): connector data whose connection is still unknown after
 * RESOLVER_CONNECTION_WAIT_MS, and page sets still incomplete after RESOLVER_PAGE_SET_WAIT_MS,
 * leave for the DLQ with the reason, in the same transaction that drops them.
 */
@Injectable()
export class WaitingConnectorDataService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop = new PollLoop(WaitingConnectorDataService.name, () => this.giveUp(), 5_000);

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

  /** Gives up on one batch of expired waits; returns how many. */
  giveUp(): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      // Raw, the three: deletes in bounded batches that return what they took, for the DLQ.
      const unknownPages = await query<{ connection_id: string; event: { tenantId: string } }>(
        em,
        `delete from snapshot_page p where (p.connection_id, p.sync_id, p.page) in (
           select connection_id, sync_id, page from snapshot_page s
           where s.received_at < now() - ? * interval '1 millisecond'
             and not exists (select 1 from connection_fact c where c.connection_id = s.connection_id)
           limit ${BATCH})
         returning p.connection_id, p.event`,
        [this.config.RESOLVER_CONNECTION_WAIT_MS],
      );
      const incompletePages = await query<{ connection_id: string; event: { tenantId: string } }>(
        em,
        `delete from snapshot_page p where (p.connection_id, p.sync_id, p.page) in (
           select connection_id, sync_id, page from snapshot_page s
           where s.received_at < now() - ? * interval '1 millisecond' limit ${BATCH})
         returning p.connection_id, p.event`,
        [this.config.RESOLVER_PAGE_SET_WAIT_MS],
      );
      const unknownUsage = await query<UsageRow>(
        em,
        `delete from usage_fact u where (u.connection_id, u.day, u.user_id) in (
           select connection_id, day, user_id from usage_fact s
           where s.received_at < now() - ? * interval '1 millisecond'
             and not exists (select 1 from connection_fact c where c.connection_id = s.connection_id)
           limit ${BATCH})
         returning u.connection_id, u.day::text, u.user_id, u.tenant_id, u.events, u.event_id`,
        [this.config.RESOLVER_CONNECTION_WAIT_MS],
      );
      const waited = (ms: number) => `still unknown after waiting ${ms} ms`;
      await addToOutbox(em, [
        ...unknownPages.map((p) =>
          dlqEntry(TOPICS.connectorSnapshots, connectorEventKey(p.event.tenantId, p.connection_id), p.event, {
            code: 'UNKNOWN_CONNECTION',
            message: `connection ${p.connection_id} ${waited(this.config.RESOLVER_CONNECTION_WAIT_MS)}`,
          }),
        ),
        ...incompletePages.map((p) =>
          dlqEntry(TOPICS.connectorSnapshots, connectorEventKey(p.event.tenantId, p.connection_id), p.event, {
            code: 'INCOMPLETE_PAGE_SET',
            message: `the other pages of this sync did not arrive within ${this.config.RESOLVER_PAGE_SET_WAIT_MS} ms`,
          }),
        ),
        ...unknownUsage.map((u) =>
          dlqEntry(TOPICS.connectorUsage, connectorEventKey(u.tenant_id, u.connection_id), usageEvent(u), {
            code: 'UNKNOWN_CONNECTION',
            message: `connection ${u.connection_id} ${waited(this.config.RESOLVER_CONNECTION_WAIT_MS)}`,
          }),
        ),
      ]);
      return unknownPages.length + incompletePages.length + unknownUsage.length;
    });
  }
}
