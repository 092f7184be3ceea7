import { Logger } from '@nestjs/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventProducer } from './event-producer';
import { query } from '@org/database';

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  value: object;
}

const BATCH = 500;
const IDLE_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * Publishes the outbox in order. One relay at a time per schema (an advisory lock), so
 * replicas never interleave one instance's events. A row is deleted only after the broker
 * acknowledged it: a crash in between publishes it again, and consumers dedupe by id.
 * With the broker down, rows wait and the relay backs off; commands keep succeeding.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private failures = 0;
  published = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly producer: EventProducer,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** True while the last attempt reached the broker (or nothing needed sending). */
  get healthy(): boolean {
    return this.failures === 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.publishBatch();
        this.failures = 0;
      } catch (error) {
        this.failures++;
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.warn(`outbox publish failed (${this.failures}x), retrying: ${(error as Error).message}`);
        }
      }
      if (sent === BATCH) continue;
      const wait = this.failures ? Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.min(this.failures, 5)) : IDLE_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Publishes up to BATCH rows in one transaction; returns how many. */
  async publishBatch(): Promise<number> {
    const em = this.orm.em.fork();
    return em.transactional(async (tx) => {
      const [{ locked }] = await query<{ locked: boolean }>(
        tx,
        `select pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox_event')) as locked`,
      );
      if (!locked) return 0;
      const rows = await query<OutboxRow>(
        tx,
        `select seq, topic, key, value from outbox_event order by seq limit ${BATCH} for update`,
      );
      if (!rows.length) return 0;
      // sendBatch keeps the order of messages within each topic and partition.
      const byTopic = new Map<string, Array<{ key: string; value: string }>>();
      for (const row of rows) {
        if (!byTopic.has(row.topic)) byTopic.set(row.topic, []);
        byTopic.get(row.topic)!.push({ key: row.key, value: JSON.stringify(row.value) });
      }
      await this.producer.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      await query(tx, `delete from outbox_event where seq = any(?::bigint[])`, [rows.map((r) => r.seq)]);
      this.published += rows.length;
      return rows.length;
    });
  }
}
