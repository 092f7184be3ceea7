import type { MikroORM } from '@mikro-orm/postgresql';
import { dlqMessages } from './kafka-metrics';
import type { EventProducer } from './event-producer';
import { PollLoop } from './poll-loop';
import { query, tableOf } from '@org/database';
import { OutboxEvent } from './outbox-event.entity';
import { publishSpanOf } from '@org/tracing';

const BATCH = 500;

/**
 * Publishes the outbox in order. One relay at a time per schema (an advisory lock), so
 * replicas never interleave one instance's events. A row is deleted only after the broker
 * acknowledged it: a crash in between publishes it again, and consumers dedupe by id.
 * With the broker down, rows wait and the relay backs off; commands keep succeeding.
 */
export class OutboxRelay {
  private readonly loop = new PollLoop(OutboxRelay.name, () => this.publishBatch());
  published = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly producer: EventProducer,
  ) {}

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** True while the last attempt reached the broker (or nothing needed sending). */
  get healthy(): boolean {
    return this.loop.healthy;
  }

  /** Publishes up to BATCH rows in one transaction; returns how many. */
  async publishBatch(): Promise<number> {
    const em = this.orm.em.fork();
    return em.transactional(async (tx) => {
      const outbox = tableOf(tx, OutboxEvent);
      const seq = outbox.column('seq');
      // Raw, the three: an advisory lock, then one batch read and deleted per send (npm run bench -- ingest).
      const [{ locked }] = await query<{ locked: boolean }>(
        tx,
        `select pg_try_advisory_xact_lock(hashtext(current_schema() || '.${outbox.name}')) as locked`,
      );
      if (!locked) return 0;
      const columns = ['seq', 'topic', 'key', 'value', 'traceContext'] as const;
      const rows = (
        await query(
          tx,
          `select ${outbox.columns(columns)} from ${outbox.name} order by ${seq} limit ${BATCH} for update`,
        )
      ).map((r) => outbox.row(r));
      if (!rows.length) return 0;
      // One PRODUCER span per transaction's trace among the rows, continuing it: the messages carry it on.
      const spans = new Map<string, NonNullable<ReturnType<typeof publishSpanOf>>>();
      for (const stored of new Set(rows.map((r) => r.traceContext).filter((c): c is string => !!c))) {
        const publish = publishSpanOf(stored);
        if (publish) spans.set(stored, publish);
      }
      // sendBatch keeps the order of messages within each topic and partition.
      const byTopic = new Map<string, Array<{ key: string; value: string; headers?: Record<string, string> }>>();
      for (const row of rows) {
        if (!byTopic.has(row.topic)) byTopic.set(row.topic, []);
        const headers = row.traceContext ? spans.get(row.traceContext)?.headers : undefined;
        byTopic
          .get(row.topic)!
          .push({ key: row.key, value: JSON.stringify(row.value), ...(headers ? { headers } : {}) });
      }
      try {
        await this.producer.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      } finally {
        for (const { span } of spans.values()) span.end();
      }
      await query(tx, `delete from ${outbox.name} where ${seq} = any(?::bigint[])`, [rows.map((r) => r.seq)]);
      this.published += rows.length;
      // Refusals decided after the fact (a wait given up…) leave through the outbox: counted when they do.
      for (const row of rows) {
        if (!row.topic.endsWith('.dlq')) continue;
        const code = (row.value as { error?: { code?: string } })?.error?.code ?? 'UNKNOWN';
        dlqMessages.inc({ topic: row.topic.slice(0, -'.dlq'.length), code });
      }
      return rows.length;
    });
  }
}
