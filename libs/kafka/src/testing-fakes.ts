// Fakes of kafkajs and MikroORM for the unit tests of this lib: just the methods the code
// calls, recording what happened in one shared `log` so a test can assert the order
// (transaction, DLQ send, offset commit). Not exported from index.ts.
import { type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { OutboxEvent } from './outbox-event.entity';
import { ProcessedEvent } from './processed-event.entity';
import type { ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage, ProducerBatch, TopicMessages } from 'kafkajs';

type Listener = (event: { payload: unknown }) => void;

export class FakeConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  readonly subscriptions: Array<{ topic: string; fromBeginning?: boolean }> = [];
  readonly commits: Array<{ topic: string; partition: number; offset: string }> = [];
  readonly resolved: string[] = [];
  runConfig?: { eachBatch?: (payload: EachBatchPayload) => Promise<void> } & Record<string, unknown>;
  connected = false;
  disconnects = 0;
  /** The partition stays ours while true; false is a rebalance taking it away. */
  assigned = true;
  heartbeats = 0;
  connectError?: Error;
  commitError?: Error;
  readonly running: Promise<void>;
  private started!: () => void;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    readonly config: ConsumerConfig,
    private readonly log: string[],
  ) {
    this.running = new Promise((resolve) => (this.started = resolve));
  }

  on(event: string, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  emit(event: string, payload: unknown = {}): void {
    for (const listener of this.listeners.get(event) ?? []) listener({ payload });
  }

  async connect(): Promise<void> {
    if (this.connectError) throw this.connectError;
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    this.disconnects++;
  }

  async subscribe(subscription: { topic: string; fromBeginning?: boolean }): Promise<void> {
    this.subscriptions.push(subscription);
  }

  async run(config: NonNullable<FakeConsumer['runConfig']>): Promise<void> {
    this.runConfig = config;
    this.started();
  }

  /** kafkajs's consumer-level commit retries for ever on the coordinator it knows: the server must not use it. */
  async commitOffsets(): Promise<void> {
    throw new Error('consumer.commitOffsets retries a stale coordinator for ever: commit through the batch');
  }

  /** The batch's commit (eachBatch's commitOffsetsIfNecessary with offsets): its error reaches the caller as is. */
  private async batchCommit(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    if (this.commitError) throw this.commitError;
    this.log.push(...offsets.map((o) => `commit offset ${o.offset}`));
    this.commits.push(...offsets);
  }

  /** Hands one fetched batch of `partition` to the consumer's `eachBatch`, as kafkajs does. */
  deliver(messages: KafkaMessage[], partition = 0, highWatermark = '1000'): Promise<void> {
    return this.runConfig!.eachBatch!({
      batch: { topic: this.subscriptions[0].topic, partition, highWatermark, messages },
      resolveOffset: (offset: string) => void this.resolved.push(offset),
      heartbeat: async () => void this.heartbeats++,
      isRunning: () => this.assigned,
      isStale: () => !this.assigned,
      commitOffsetsIfNecessary: (offsets: {
        topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
      }) => this.batchCommit(offsets.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p })))),
    } as unknown as EachBatchPayload);
  }
}

export class FakeProducer {
  readonly requests: ProducerBatch[] = [];
  connects = 0;
  disconnects = 0;
  /** Each send takes the next error, if any: a broker outage. */
  readonly sendErrors: Error[] = [];
  connectError?: Error;

  constructor(
    readonly config: Record<string, unknown>,
    private readonly log: string[],
  ) {}

  async connect(): Promise<void> {
    this.connects++;
    if (this.connectError) throw this.connectError;
  }

  async disconnect(): Promise<void> {
    this.disconnects++;
  }

  async sendBatch(request: ProducerBatch): Promise<void> {
    const error = this.sendErrors.shift();
    if (error) throw error;
    this.log.push(`send ${request.topicMessages!.map((t) => t.topic).join(',')}`);
    this.requests.push(request);
  }

  /** Every message sent, with its topic. */
  get sent(): Array<TopicMessages['messages'][number] & { topic: string }> {
    return this.requests.flatMap((r) =>
      r.topicMessages!.flatMap((t) => t.messages.map((m) => ({ topic: t.topic, ...m }))),
    );
  }
}

/** A kafkajs client handing out fakes; each error queued here fails the next one made to connect. */
export class FakeKafka {
  readonly consumers: FakeConsumer[] = [];
  readonly producers: FakeProducer[] = [];
  readonly consumerConnectErrors: Error[] = [];
  readonly producerConnectErrors: Error[] = [];

  constructor(readonly log: string[] = []) {}

  consumer(config: ConsumerConfig): FakeConsumer {
    const consumer = new FakeConsumer(config, this.log);
    consumer.connectError = this.consumerConnectErrors.shift();
    this.consumers.push(consumer);
    return consumer;
  }

  producer(config: Record<string, unknown>): FakeProducer {
    const producer = new FakeProducer(config, this.log);
    producer.connectError = this.producerConnectErrors.shift();
    this.producers.push(producer);
    return producer;
  }

  get asKafka(): Kafka {
    return this as unknown as Kafka;
  }
}

/**
 * PostgreSQL as the lib's SQL sees it: `processed_event` kept as a set (insert … on conflict
 * do nothing returning, delete), transactions that roll that set back when they fail, and
 * `answer` for any other statement. `down` makes every transaction and `select 1` fail.
 */
export class FakeDatabase {
  readonly processed = new Set<string>();
  readonly statements: Array<{ sql: string; params: unknown[] }> = [];
  down = false;
  answer: (sql: string, params: unknown[]) => unknown[] = () => [];

  constructor(private readonly log: string[] = []) {}

  get orm(): MikroORM {
    const em = {
      fork: () => em,
      transactional: (fn: (tx: EntityManager) => Promise<unknown>) => this.transaction(fn),
      execute: async () => {
        if (this.down) throw outage();
        return [];
      },
    };
    return { em } as unknown as MikroORM;
  }

  private async transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.down) throw outage();
    const before = new Set(this.processed);
    this.log.push('begin');
    try {
      const result = await fn(this.em());
      this.log.push('commit');
      return result;
    } catch (error) {
      this.processed.clear();
      for (const id of before) this.processed.add(id);
      this.log.push('rollback');
      throw error;
    }
  }

  private em(): EntityManager {
    // The transaction's kysely executor, as `query` (libs/database) reaches it.
    const transaction = {
      executeQuery: async ({ sql, parameters }: { sql: string; parameters: readonly unknown[] }) => {
        this.statements.push({ sql, params: [...parameters] });
        return { rows: this.rowsOf(sql, [...parameters]) };
      },
    };
    // The lib's tables as its entities define them (tableOf), from an ORM that never connects.
    const { em } = metadataOnly();
    return {
      getTransactionContext: () => transaction,
      getMetadata: (entity: typeof OutboxEvent) => em.getMetadata(entity),
      getComparator: () => em.getComparator(),
      getPlatform: () => em.getPlatform(),
    } as unknown as EntityManager;
  }

  private rowsOf(sql: string, params: unknown[]): unknown[] {
    const ids = params[0] as string[];
    if (sql.includes('insert into processed_event')) {
      return ids.filter((id) => !this.processed.has(id) && this.processed.add(id)).map((id) => ({ id }));
    }
    if (sql.includes('delete from processed_event')) {
      for (const id of ids) this.processed.delete(id);
      return [];
    }
    return this.answer(sql, params);
  }
}

let ormOfEntities: MikroORM | undefined;
const metadataOnly = () =>
  (ormOfEntities ??= new MikroORM({ entities: [OutboxEvent, ProcessedEvent], dbName: 'fake' }));

const outage = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A message as kafkajs fetches it. */
export function kafkaMessage(offset: number | string, value: string | null, key = 'tenant-a'): KafkaMessage {
  return {
    key: Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    offset: String(offset),
    timestamp: '1767225600000',
    attributes: 0,
    headers: {},
  } as KafkaMessage;
}
