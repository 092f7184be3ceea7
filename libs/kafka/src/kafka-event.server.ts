import { Logger } from '@nestjs/common';
import { consumerLag, dlqMessages, eventsApplied, measureDlqDepthsWith } from './kafka-metrics';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  type ErrorCode,
  ERROR_CODES,
  type EventOf,
  isErrorCode,
  parseEvent,
  type Topic,
  dlqTopicOf,
} from '@org/contracts';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { EventProducer } from './event-producer';
import { consumeSpanParent, inSpan, SpanKind } from '@org/tracing';
import { REDRIVE_HEADER } from './dead-letters';
import { dlqValue } from './outbox';
import { physicalTopic, type KafkaSettings } from './kafka-settings';
import { query, tableOf } from '@org/database';
import { ProcessedEvent } from './processed-event.entity';

/** What a handler gets: the new (never seen) valid events of one chunk, and the transaction. */
export interface EventBatch<T extends Topic> {
  topic: T;
  events: Array<EventOf<T>>;
  em: EntityManager;
  /** Runs `fn` once the transaction has committed (e.g. to wake a loop that reads what was written). */
  afterCommit(fn: () => void): void;
}

/** An event the handler refuses; it goes to `<topic>.dlq` with the reason, and the rest commit. */
export interface Rejection {
  eventId: string;
  code: ErrorCode;
  reason: string;
}

interface Received {
  message: KafkaMessage;
  partition: number;
}

interface Refused extends Received {
  code: ErrorCode;
  reason: string;
}

export interface KafkaEventServerOptions {
  /** Consumer groups are `<prefix><groupId>.<topic>`: one group per service and topic. */
  groupId: string;
  /** Largest number of messages applied in one transaction. */
  chunkSize?: number;
  /** The consumer's session (default 10 s) and heartbeat (1 s): see KAFKA_SESSION_TIMEOUT_MS. */
  session?: { timeoutMs: number; heartbeatMs: number };
}

/** Per handler: `@EventPattern(TOPICS.x, { chunkSize: 5000, idempotentByNaturalKey: true })`. */
export interface ConsumeOptions {
  /** Largest number of messages applied in one transaction. */
  chunkSize?: number;
  /**
   * Applying an event twice changes nothing (sets, greatest, upserts of facts): the handler
   * dedupes by natural key, so the event-id table (a write per event) is skipped.
   */
  idempotentByNaturalKey?: boolean;
  /** Bytes fetched per partition and request: bigger batches for hot topics. */
  maxBytesPerPartition?: number;
  /**
   * Partitions applied at once: while one waits on the database another parses. Safe when a
   * key's rows are only ever touched by its own partition's events.
   */
  partitionsConsumedConcurrently?: number;
}

type Handler = ((batch: EventBatch<Topic>, ctx: BaseRpcContext) => Promise<unknown>) & { extras?: ConsumeOptions };

const DLQ_DEPTH_EVERY_MS = 5_000;
const TRANSIENT_PG = /^(08|40001|40P01|53|57P0)/;

/**
 * A Nest microservice transport over kafkajs: `@EventPattern(TOPICS.x)` handlers get batches
 * (Nest's own Kafka transport has no batch handler). For each chunk of a partition's batch it
 * parses every message with its contract schema, opens one database transaction, skips events
 * whose id was already applied, calls the handler, records the ids, commits, sends what was
 * refused to the DLQ, and only then commits the offsets. A crash anywhere replays the chunk;
 * the id check makes the replay harmless.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger(KafkaEventServer.name);
  private readonly consumers: Consumer[] = [];
  private readonly joined = new Set<Consumer>();
  private stopping = false;
  applied = 0;
  rejected = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly orm: MikroORM,
    private readonly producer: EventProducer,
    private readonly options: KafkaEventServerOptions,
  ) {
    super();
  }

  /** Ready while every consumer is in its group. */
  get ready(): boolean {
    return this.joined.size === this.messageHandlers.size;
  }

  /** Starts one consumer per handled topic, in the background: a service boots (and serves
   *  HTTP) while the broker is down, and reports not-ready until its consumers joined. */
  listen(callback: () => void): void {
    this.stopping = false;
    measureDlqDepthsWith(() => this.dlqDepths());
    for (const [pattern, handler] of this.messageHandlers) {
      void this.consumeWithRetry(pattern as Topic, handler as unknown as Handler);
    }
    callback();
  }

  private async consumeWithRetry(topic: Topic, handler: Handler): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.consume(topic, handler);
        return;
      } catch (error) {
        this.log.warn(`cannot start the consumer of ${topic} yet: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  async close(): Promise<void> {
    this.stopping = true;
    measureDlqDepthsWith(null);
    await this.depthAdmin?.then((a) => a.disconnect()).catch(() => undefined);
    this.depthAdmin = undefined;
    // disconnect() waits for the running batch, so its offsets are committed first.
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    this.consumers.length = 0;
  }

  private depthAdmin?: Promise<Admin>;
  private depths: { at: number; value: Map<string, number> } = { at: 0, value: new Map() };

  /**
   * `kafka_dlq_depth` at /metrics: for each topic consumed here, the messages its DLQ keeps. Read
   * from the broker at most every DLQ_DEPTH_EVERY_MS; while the broker is away, the last values.
   */
  private async dlqDepths(): Promise<Map<string, number>> {
    if (Date.now() - this.depths.at < DLQ_DEPTH_EVERY_MS) return this.depths.value;
    this.depths.at = Date.now();
    try {
      this.depthAdmin ??= (async () => {
        const admin = this.kafka.admin({ retry: { retries: 1 } });
        await admin.connect();
        return admin;
      })();
      const admin = await this.depthAdmin;
      const value = new Map<string, number>();
      for (const topic of this.messageHandlers.keys()) {
        const offsets = await admin.fetchTopicOffsets(physicalTopic(this.settings, dlqTopicOf(topic)));
        value.set(
          topic,
          offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0),
        );
      }
      this.depths.value = value;
    } catch (error) {
      this.depthAdmin = undefined;
      this.log.debug(`DLQ depths not read: ${(error as Error).message}`);
    }
    return this.depths.value;
  }

  on(): never {
    throw new Error('KafkaEventServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private async consume(topic: Topic, handler: Handler): Promise<void> {
    const source = physicalTopic(this.settings, topic);
    const consumer = this.kafka.consumer({
      groupId: `${this.settings.topicPrefix}${this.options.groupId}.${topic}`,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.session?.timeoutMs ?? 10_000,
      heartbeatInterval: this.options.session?.heartbeatMs ?? 1_000,
      // Failover (SPEC §7): kafkajs retries a fetch that cannot reach a dead leader on the same
      // metadata, refreshing it only when older than metadataMaxAge (tulios/kafkajs#1439), and
      // heartbeats only between fetches. Short fetch waits, retries and metadata age: the new
      // leaders are found seconds after the broker is fenced, and a rebalance is heard within a second.
      maxWaitTimeInMs: 1_000,
      metadataMaxAge: 3_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 2_000 },
      maxBytesPerPartition: handler.extras?.maxBytesPerPartition ?? 1_048_576,
      maxBytes: 2 * (handler.extras?.maxBytesPerPartition ?? 1_048_576),
    });
    consumer.on(consumer.events.GROUP_JOIN, () => this.joined.add(consumer));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined.delete(consumer);
      const crashed = `consumer of ${source} crashed (restart: ${payload.restart}): ${payload.error.message}`;
      // kafkajs restarts it by itself (a coordinator loading, a rebalance): start-up noise, not an error.
      if (payload.restart) this.log.debug(crashed);
      else this.log.error(crashed);
      if (payload.restart || this.stopping) return;
      // kafkajs gives up on errors it deems not retriable; its partitions would wait for a
      // process restart. A new consumer instead, after a pause (not ready meanwhile).
      const at = this.consumers.indexOf(consumer);
      if (at >= 0) this.consumers.splice(at, 1);
      setTimeout(() => void this.consumeWithRetry(topic, handler), 5_000).unref();
    });
    // close() disconnects the listed consumers; this one is listed once subscribed. Until then it
    // disconnects itself, on failure or if close() came meanwhile (a broker slow at shutdown).
    try {
      await consumer.connect();
      if (!this.stopping) await consumer.subscribe({ topic: source, fromBeginning: true });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.stopping) {
      await consumer.disconnect().catch(() => undefined);
      return;
    }
    this.consumers.push(consumer);
    const chunkSize = handler.extras?.chunkSize ?? this.options.chunkSize ?? 500;
    await consumer.run({
      partitionsConsumedConcurrently: handler.extras?.partitionsConsumedConcurrently ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
        for (let i = 0; i < batch.messages.length; i += chunkSize) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages
            .slice(i, i + chunkSize)
            .map((message) => ({ message, partition: batch.partition }));
          if (!(await this.applyWaitingOutOutages(topic, chunk, handler, { heartbeat, isRunning, isStale }))) return;
          const next = (BigInt(chunk[chunk.length - 1].message.offset) + 1n).toString();
          // The batch's own commit, not consumer.commitOffsets: that one retries for ever, on the
          // same coordinator, an error only a rejoin cures (the coordinator moved with a lost
          // broker; evicted from the group). Thrown here, kafkajs rejoins the group, finding the
          // coordinator anew, and the chunk is replayed, harmlessly.
          await commitOffsetsIfNecessary({
            topics: [{ topic: source, partitions: [{ partition: batch.partition, offset: next }] }],
          });
          resolveOffset(chunk[chunk.length - 1].message.offset);
          consumerLag.set(
            { topic, partition: String(batch.partition), group: `${this.options.groupId}.${topic}` },
            Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))),
          );
          await heartbeat();
        }
      },
    });
  }

  /**
   * Applies a chunk; while that fails — an outage, as the rules' refusals go to the DLQ — waits
   * and tries again in place, heartbeating: leaving the group would only move the partition to
   * a replica facing the same outage. Returns false if the partition was taken away meanwhile.
   */
  private async applyWaitingOutOutages(
    topic: Topic,
    chunk: Received[],
    handler: Handler,
    batch: { heartbeat(): Promise<void>; isRunning(): boolean; isStale(): boolean },
  ): Promise<boolean> {
    for (let failures = 0; ; failures++) {
      try {
        await this.applyChunk(topic, chunk, handler);
        return true;
      } catch (error) {
        if (failures % 10 === 0)
          this.log.warn(`cannot apply ${topic} yet (${failures + 1}x), waiting: ${(error as Error).message}`);
        const until = Date.now() + Math.min(10_000, 500 * 2 ** Math.min(failures, 5));
        while (Date.now() < until) {
          if (!batch.isRunning() || batch.isStale()) return false;
          await new Promise((r) => setTimeout(r, Math.min(1_000, until - Date.now())));
          await batch.heartbeat();
        }
      }
    }
  }

  /**
   * A chunk in one CONSUMER span, continuing the trace of its first traced message (linked to the
   * others): the handler's statements, and the outbox rows it writes, belong to that trace.
   */
  private applyChunk(topic: Topic, chunk: Received[], handler: Handler): Promise<void> {
    const { parent, links } = consumeSpanParent(chunk.map((r) => r.message.headers));
    return inSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        parent,
        links,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.batch.message_count': chunk.length,
        },
      },
      () => this.applyChunkNow(topic, chunk, handler),
    );
  }

  private async applyChunkNow(topic: Topic, chunk: Received[], handler: Handler): Promise<void> {
    const refused: Refused[] = [];
    const valid: Array<{ received: Received; event: EventOf<Topic> }> = [];
    for (const received of chunk) {
      const parsed = parseEvent(topic, received.message.value);
      if (parsed.ok) valid.push({ received, event: parsed.event });
      else refused.push({ ...received, code: parsed.code, reason: parsed.reason });
    }
    if (valid.length) {
      const byId = new Map(valid.map((v) => [v.event.id, v.received]));
      let rejections: Rejection[];
      try {
        rejections = await this.applyInTransaction(
          topic,
          valid.map((v) => v.event),
          handler,
        );
      } catch (error) {
        if (this.isTransient(error) || valid.length === 1) {
          rejections = await this.rejectOrRethrow(error, valid[0].event.id);
        } else {
          // Find the events that fail on their own; apply the others one by one.
          rejections = [];
          for (const { event } of valid) {
            try {
              rejections.push(...(await this.applyInTransaction(topic, [event], handler)));
            } catch (single) {
              rejections.push(...(await this.rejectOrRethrow(single, event.id)));
            }
          }
        }
      }
      for (const r of rejections) refused.push({ ...byId.get(r.eventId)!, code: r.code, reason: r.reason });
    }
    if (refused.length) await this.sendToDlq(topic, refused);
  }

  private async applyInTransaction(
    topic: Topic,
    events: Array<EventOf<Topic>>,
    handler: Handler,
  ): Promise<Rejection[]> {
    // A failure (a deadlock, an outage) is retried by applyWaitingOutOutages, for the whole chunk.
    const committed: Array<() => void> = [];
    let appliedNow = 0;
    const rejections = await this.orm.em.fork().transactional(async (em) => {
      const byIdOnly = !handler.extras?.idempotentByNaturalKey;
      // Raw: one insert per batch returning the ids not seen yet, on every consumer (npm run bench -- ingest).
      const processed = tableOf(em, ProcessedEvent);
      const eventId = processed.column('eventId');
      const inserted = byIdOnly
        ? await query<{ id: string }>(
            em,
            `insert into ${processed.name} (${processed.columns(['eventId', 'topic'])}) select unnest(?::uuid[]), ?
             on conflict do nothing returning ${eventId} as id`,
            [events.map((e) => e.id), topic],
          )
        : events;
      const fresh = new Set(inserted.map((r) => r.id));
      const seen = new Set<string>();
      const todo = events.filter((e) => fresh.has(e.id) && !seen.has(e.id) && seen.add(e.id));
      if (!todo.length) return [];
      const result = (await lastValueFrom(
        this.transformToObservable(
          await handler(
            { topic, events: todo, em, afterCommit: (fn) => committed.push(fn) },
            new BaseRpcContext([topic]),
          ),
        ),
        { defaultValue: undefined },
      )) as Rejection[] | undefined;
      const rejections = result ?? [];
      // A refused event is not applied: forget its id so a resend is judged again.
      if (rejections.length && byIdOnly) {
        // Raw, as the insert above: the unit tests' in-memory database (testing-fakes.ts) answers this SQL.
        await query(em, `delete from ${processed.name} where ${eventId} = any(?::uuid[])`, [
          rejections.map((r) => r.eventId),
        ]);
      }
      appliedNow = todo.length - rejections.length;
      return rejections;
    });
    this.applied += appliedNow;
    eventsApplied.inc({ topic }, appliedNow);
    for (const fn of committed) fn();
    return rejections;
  }

  /** Rules refusing an event send it to the DLQ; an outage (database, broker) is rethrown to retry. */
  private async rejectOrRethrow(error: unknown, eventId: string): Promise<Rejection[]> {
    if (this.isTransient(error)) throw error;
    const code = errorCodeOf(error);
    if (ERROR_CODES[code].retryable && code !== 'INTERNAL') throw error;
    if (code === 'INTERNAL' && !(await this.databaseAnswers())) throw error;
    this.log.warn(`event ${eventId} refused: ${code}: ${(error as Error).message}`);
    return [{ eventId, code: code === 'INTERNAL' ? 'PROCESSING_FAILED' : code, reason: (error as Error).message }];
  }

  private isTransient(error: unknown): boolean {
    const e = error as { code?: string; name?: string; retryable?: boolean };
    if (typeof e?.code === 'string' && TRANSIENT_PG.test(e.code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(e?.code ?? '')) return true;
    return e?.name?.startsWith('Kafka') === true || e?.retryable === true;
  }

  private async databaseAnswers(): Promise<boolean> {
    return this.orm.em
      .fork()
      .execute('select 1')
      .then(() => true)
      .catch(() => false);
  }

  private async sendToDlq(topic: Topic, refused: Refused[]): Promise<void> {
    const origin = physicalTopic(this.settings, topic);
    await this.producer.send(
      dlqTopicOf(topic),
      refused.map(({ message, partition, code, reason }) => ({
        key: message.key,
        // The reason travels both in headers (for tooling) and in the value (for people).
        value: JSON.stringify(
          dlqValue(
            { code, message: reason },
            { topic: origin, partition, offset: message.offset, timestamp: message.timestamp },
            message.key?.toString() ?? null,
            message.value?.toString() ?? null,
          ),
        ),
        headers: {
          'x-error-code': code,
          'x-error-message': reason.slice(0, 1000),
          'x-origin-topic': origin,
          'x-origin-partition': String(partition),
          'x-origin-offset': message.offset,
          'x-consumer-group': `${this.settings.topicPrefix}${this.options.groupId}.${topic}`,
          // A message sent back from the DLQ and refused again keeps its count (npm run dlq).
          ...(message.headers?.[REDRIVE_HEADER] ? { [REDRIVE_HEADER]: String(message.headers[REDRIVE_HEADER]) } : {}),
        },
      })),
    );
    // Counted once sent: a failed send is retried with the chunk, and would count again.
    this.rejected += refused.length;
    for (const { code } of refused) dlqMessages.inc({ topic, code });
  }
}

function errorCodeOf(error: unknown): ErrorCode {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && isErrorCode(code) ? code : 'INTERNAL';
}
