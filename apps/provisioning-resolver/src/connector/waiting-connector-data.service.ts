import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { connectorEventKey, TOPICS } from '@org/contracts';
import { query, type Table, tableOf } from '@org/database';
import { addToOutbox, dlqEntry, PollLoop, ProcessedEvent } from '@org/kafka';
import { SERVICE_CONFIG } from '@org/service';
import type { ResolverConfig } from '../config';
import { ConnectionFact } from '../fact/connection-fact.entity';
import { SnapshotPage } from './snapshot-page.entity';
import { UsageFact } from './usage-fact.entity';

const BATCH = 500;

/** The connector.usage event a usage row came from, for the DLQ. */
export const usageEvent = (u: UsageFact) => ({
  id: u.eventId,
  type: 'connector.usage',
  version: 1,
  tenantId: u.tenantId,
  data: { connectionId: u.connectionId, userId: u.userId, day: u.day, events: u.events },
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
      const page = tableOf(em, SnapshotPage);
      const usage = tableOf(em, UsageFact);
      const connection = tableOf(em, ConnectionFact);
      const unknown = (t: Table<SnapshotPage> | Table<UsageFact>) =>
        `not exists (select 1 from ${connection.name} c where c.${connection.column('connectionId')} = s.${t.column('connectionId')})`;
      /** Deletes in a bounded batch the rows received more than `ms` ago (and matching `where`), returning them. */
      const expired = <T extends object>(
        t: Table<T>,
        key: ReadonlyArray<keyof T & string>,
        where: string,
        ms: number,
      ) =>
        query(
          em,
          `delete from ${t.name} where (${t.columns(key)}) in (
             select ${t.columns(key)} from ${t.name} s
             where s.${t.column('receivedAt' as keyof T & string)} < now() - ? * interval '1 millisecond' and ${where}
             limit ${BATCH})
           returning ${t.columns()}`,
          [ms],
        ).then((rows) => rows.map((r) => t.row(r)));
      const pageKey = ['connectionId', 'syncId', 'page'] as const;
      // Raw, the three: deletes in bounded batches that return what they took, for the DLQ.
      const unknownPages = await expired(page, pageKey, unknown(page), this.config.RESOLVER_CONNECTION_WAIT_MS);
      const incompletePages = await expired(page, pageKey, 'true', this.config.RESOLVER_PAGE_SET_WAIT_MS);
      const unknownUsage = await expired(
        usage,
        ['connectionId', 'day', 'userId'],
        unknown(usage),
        this.config.RESOLVER_CONNECTION_WAIT_MS,
      );
      // Given up is not applied: the ids are forgotten, so a redrive from the DLQ is judged again.
      const givenUp = [...unknownPages, ...incompletePages].map((p) => p.event.id);
      if (givenUp.length) {
        const processed = tableOf(em, ProcessedEvent);
        await query(em, `delete from ${processed.name} where ${processed.column('eventId')} = any(?::uuid[])`, [
          givenUp,
        ]);
      }
      const waited = (ms: number) => `still unknown after waiting ${ms} ms`;
      await addToOutbox(em, [
        ...unknownPages.map((p) =>
          dlqEntry(TOPICS.connectorSnapshots, connectorEventKey(p.tenantId, p.connectionId), p.event, {
            code: 'UNKNOWN_CONNECTION',
            message: `connection ${p.connectionId} ${waited(this.config.RESOLVER_CONNECTION_WAIT_MS)}`,
          }),
        ),
        ...incompletePages.map((p) =>
          dlqEntry(TOPICS.connectorSnapshots, connectorEventKey(p.tenantId, p.connectionId), p.event, {
            code: 'INCOMPLETE_PAGE_SET',
            message: `the other pages of this sync did not arrive within ${this.config.RESOLVER_PAGE_SET_WAIT_MS} ms`,
          }),
        ),
        ...unknownUsage.map((u) =>
          dlqEntry(TOPICS.connectorUsage, connectorEventKey(u.tenantId, u.connectionId), usageEvent(u), {
            code: 'UNKNOWN_CONNECTION',
            message: `connection ${u.connectionId} ${waited(this.config.RESOLVER_CONNECTION_WAIT_MS)}`,
          }),
        ),
      ]);
      return unknownPages.length + incompletePages.length + unknownUsage.length;
    });
  }
}
