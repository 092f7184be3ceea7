import { LockMode, sql } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { tableOf } from '@org/database';
import { EventProducer, PollLoop } from '@org/kafka';
import { PUBLISHED_STATES, type PublishedState } from './published-states';

const BATCH = 2000;

/**
 * Publishes instances, estimates, activity counts and users' latest logins whose version moved since they were
 * last sent: a transactional outbox where the state row is the entry, so many changes to
 * one key between two runs leave as one message of the latest state (the topics are
 * compacted by that key anyway). Rows are marked sent only after the broker acked them.
 */
@Injectable()
export class StatePublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop = new PollLoop(StatePublisher.name, async () => {
    let sent = 0;
    for (const state of PUBLISHED_STATES) sent += await this.publishBatch(state);
    return sent;
  });
  published = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly producer: EventProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  // Before the ORM closes (onApplicationShutdown): a loop left running would wait on a closed pool.
  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** One batch of one table; returns how many rows were sent. */
  async publishBatch(state: PublishedState): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const unsent = { version: { $gt: sql.ref(tableOf(em, state.entity).column('publishedVersion')) } };
      const rows = await em.find(state.entity, unsent, { limit: BATCH, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE });
      if (!rows.length) return 0;
      await this.producer.send(
        state.topic,
        rows.map((r) => {
          const { key, value } = state.message(r);
          return { key, value: JSON.stringify(value) };
        }),
      );
      // Written at commit, so only once the broker has acked them.
      for (const row of rows) row.publishedVersion = row.version;
      this.published += rows.length;
      return rows.length;
    });
  }
}
