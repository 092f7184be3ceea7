import { Kafka, logLevel, type LogEntry, Partitioners, type Producer } from 'kafkajs';
import { pino } from 'pino';
import { traceFields } from '@org/tracing';
import { allTopicSpecs } from '@org/contracts';
import type { KafkaSasl } from '@org/config';

export interface KafkaSettings {
  brokers: string[];
  /** Names this service in the broker's logs and in consumer groups. */
  clientId: string;
  /** Prepended to every topic and group (KAFKA_TOPIC_PREFIX); empty in production. */
  topicPrefix: string;
  /** This process's SCRAM credentials on a secured cluster (SPEC §7); absent: PLAINTEXT. */
  sasl?: KafkaSasl;
}

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

export function createKafka(settings: KafkaSettings): Kafka {
  dropNegativeTimeoutWarning();
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    // Debug lines too, when LOG_LEVEL asks for them: retriable noise goes there.
    logLevel: process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace' ? logLevel.INFO : logLevel.WARN,
    logCreator: kafkaLogs,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    ...(settings.sasl ? { sasl: settings.sasl } : {}),
  });
}

/**
 * kafkajs 2.2.4 (its last release) arms its request queue's check with a negative delay when it
 * is not throttled; Node 24 runs such a timer after 1 ms, as kafkajs meant, but prints a
 * TimeoutNegativeWarning in every service. Only that warning is dropped, and only in our services.
 */
let negativeTimeoutsQuiet = false;
function dropNegativeTimeoutWarning() {
  if (negativeTimeoutsQuiet) return;
  negativeTimeoutsQuiet = true;
  const emit = process.emitWarning.bind(process) as (warning: string | Error, ...rest: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type !== 'TimeoutNegativeWarning') emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

// Bounded retries are deliberate: a send that gives up is retried by the outbox relay or
// the consumer, and consumers dedupe by event id, so kafkajs's exactly-once warning is noise.
const QUIET = [/Limiting retries for the idempotent producer/];

/**
 * What kafkajs reports while it waits out something that passes by itself: a coordinator still
 * loading or moved, a leader being elected, a rebalance, a broker not up yet or restarting, a retry
 * under way. Hundreds of such lines at start-up or during a broker restart hid the real errors.
 */
const RETRIABLE = [
  /coordinator (is )?(loading|not available)|not the correct coordinator|GroupCoordinator/i,
  /not the leader|leadership election|no leader|LEADER_NOT_AVAILABLE/i,
  /rebalanc|not aware of this member|resync group|re-joining/i,
  /Connection (error|timeout)|ECONNREFUSED|ECONNRESET|Closed connection|Failed to connect|connection.*closed/i,
  /Restarting the consumer|Response without match|Could not create topics/i,
];

/** The level a kafkajs line is logged at: retriable noise at debug, the rest as kafkajs says. */
export function kafkaLogLevel(level: logLevel, message: string, extra: Record<string, unknown> = {}): string {
  if (level <= logLevel.WARN) {
    const text = `${message} ${typeof extra.error === 'string' ? extra.error : ''}`;
    if (extra.retryCount !== undefined || RETRIABLE.some((r) => r.test(text))) return 'debug';
  }
  return level <= logLevel.ERROR
    ? 'error'
    : level === logLevel.WARN
      ? 'warn'
      : level === logLevel.INFO
        ? 'info'
        : 'debug';
}

const kafkaLogger = pino(
  { name: 'kafkajs', level: process.env.LOG_LEVEL ?? 'info', mixin: traceFields },
  pino.destination(2),
);

/** kafkajs logs through pino, like the services' own lines (one format for pino-pretty and log shippers). */
function kafkaLogs() {
  return ({ level, log }: LogEntry) => {
    const { message, timestamp: _t, logger: _l, ...extra } = log as LogEntry['log'] & { logger?: string };
    if (QUIET.some((q) => q.test(message))) return;
    const at = kafkaLogLevel(level, message, extra) as 'error' | 'warn' | 'info' | 'debug';
    kafkaLogger[at](extra, message);
  };
}

export const physicalTopic = (settings: Pick<KafkaSettings, 'topicPrefix'>, topic: string) =>
  `${settings.topicPrefix}${topic}`;

/** Idempotent and acks=all: a retried send never duplicates nor reorders (SPEC §4, DEVELOPERS.md). */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/**
 * Creates every topic of the contract (and its DLQ) under the prefix, with its partitions
 * and cleanup policy. Topics are never auto-created: a typo fails instead of inventing one.
 */
export async function ensureTopics(kafka: Kafka, topicPrefix: string): Promise<string[]> {
  // Topics being created at the same moment by another client make the metadata wait fail
  // (UNKNOWN_TOPIC_OR_PARTITION) although they are fine: creating what is missing is safe to repeat.
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMissingTopics(kafka, topicPrefix);
    } catch (error) {
      if (attempt >= 5 || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

async function createMissingTopics(kafka: Kafka, topicPrefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopicSpecs().filter((s) => !existing.has(`${topicPrefix}${s.topic}`));
    if (missing.length) {
      // SPEC §7: on three brokers or more, three copies of every partition, two of them in sync
      // before a write (acks=all) is acknowledged: a broker lost loses nothing and stops nothing.
      const replicated = (await admin.describeCluster()).brokers.length >= 3;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: `${topicPrefix}${s.topic}`,
          numPartitions: s.partitions,
          replicationFactor: replicated ? 3 : 1,
          configEntries: [
            { name: 'cleanup.policy', value: s.compacted ? 'compact' : 'delete' },
            ...(replicated ? [{ name: 'min.insync.replicas', value: '2' }] : []),
          ],
        })),
      });
    }
    return missing.map((s) => `${topicPrefix}${s.topic}`);
  } finally {
    await admin.disconnect();
  }
}

/** Removes every topic under a prefix (test runs clean up after themselves). */
export async function deleteTopics(kafka: Kafka, topicPrefix: string): Promise<void> {
  if (!topicPrefix) throw new Error('refusing to delete topics without a prefix');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(topicPrefix));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
