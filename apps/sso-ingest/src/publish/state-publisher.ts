import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { query } from '@org/database';
import { EventProducer } from '@org/kafka';
import { PUBLISHED_STATES, type PublishedState } from './published-states';

const BATCH = 2000;

/**
 * Publishes instances, estimates and activity counts whose version moved since they were
 * last sent: a transactional outbox where the state row is the entry, so many changes to
 * one key between two runs leave as one message of the latest state (the topics are
 * compacted by that key anyway). Rows are marked sent only after the broker acked them.
 */
@Injectable()
export class StatePublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StatePublisher.name);
  private running = false;
  private loop?: Promise<void>;
  published = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly producer: EventProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  // Before the ORM closes (onApplicationShutdown): a loop left running would wait on a closed pool.
  async onModuleDestroy(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let sent = 0;
      try {
        for (const state of PUBLISHED_STATES) sent += await this.publishBatch(state);
        failures = 0;
      } catch (error) {
        if (failures++ % 20 === 0) this.logger.warn(`publishing state failed, retrying: ${(error as Error).message}`);
      }
      if (!sent) await new Promise((r) => setTimeout(r, failures ? Math.min(5_000, 200 * 2 ** failures) : 100));
    }
  }

  /** One batch of one table; returns how many rows were sent. */
  async publishBatch(state: PublishedState): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const rows = await query<Record<string, unknown> & { ctid: string }>(
        em,
        `select ctid::text, * from ${state.table} where version > published_version limit ${BATCH} for update skip locked`,
      );
      if (!rows.length) return 0;
      await this.producer.send(
        state.topic,
        rows.map((r) => {
          const { key, value } = state.message(r);
          return { key, value: JSON.stringify(value) };
        }),
      );
      await query(em, `update ${state.table} set published_version = version where ctid = any(?::tid[])`, [
        rows.map((r) => r.ctid),
      ]);
      this.published += rows.length;
      return rows.length;
    });
  }
}
