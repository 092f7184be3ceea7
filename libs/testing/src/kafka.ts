import type { KafkaSasl } from '@org/config';
import { createIdempotentProducer, createKafka } from '@org/kafka';
import type { IHeaders, Kafka, Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/**
 * The run's Kafka (or the given brokers: a private broker), and its topic names: the run's
 * prefix (the test file's), or `topicPrefix` (a scope's, see test-scope.ts), + the contract name.
 */
export function testKafka(
  brokers = process.env.KAFKA_BROKERS!,
  topicPrefix?: string,
  sasl?: KafkaSasl,
): { kafka: Kafka; topic: (name: string) => string } {
  const prefix = topicPrefix ?? process.env.KAFKA_TOPIC_PREFIX ?? '';
  const kafka = createKafka({
    brokers: brokers.split(','),
    clientId: `test-${process.pid}`,
    topicPrefix: prefix,
    sasl,
  });
  return { kafka, topic: (name) => `${prefix}${name}` };
}

/**
 * Produces raw messages (values as given: objects are JSON-encoded) to a contract topic: the
 * file's, or under `topicPrefix` (a scope's, see test-scope.ts).
 */
export async function produce(
  topic: string,
  messages: Array<{ key: string; value: unknown }>,
  topicPrefix?: string,
): Promise<void> {
  const { kafka, topic: physical } = testKafka(undefined, topicPrefix);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    await producer.send({
      topic: physical(topic),
      acks: -1,
      messages: messages.map((m): Message => ({
        key: m.key,
        value: typeof m.value === 'string' ? m.value : JSON.stringify(m.value),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

export interface ReadMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/**
 * Reads a topic from the beginning until `until` holds for what was read, or the deadline.
 * `topicPrefix` reads a scope's topics (see test-scope.ts) instead of the file's, on
 * `brokers` when it has a broker of its own.
 */
export async function readTopic(
  topic: string,
  until: (messages: ReadMessage[]) => boolean,
  timeoutMs = 20_000,
  topicPrefix?: string,
  brokers?: string,
  sasl?: KafkaSasl,
): Promise<ReadMessage[]> {
  const { kafka, topic: physical } = testKafka(brokers, topicPrefix, sasl);
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const read: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: physical(topic), fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${topic}: condition not met in ${timeoutMs} ms; read ${read.length} messages`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          read.push({
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: headersOf(message.headers),
            partition,
            offset: message.offset,
          });
          if (until(read)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return read;
  } finally {
    await consumer.disconnect();
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Waits until a consumer group has committed every partition of a topic up to its current end. */
export async function untilConsumed(group: string, topic: string, timeoutMs = 30_000): Promise<void> {
  const { kafka, topic: physical } = testKafka();
  const groupId = `${process.env.KAFKA_TOPIC_PREFIX ?? ''}${group}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.fetchTopicOffsets(physical(topic))).map((p) => [p.partition, p.high]));
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [physical(topic)] });
      const done = committed.partitions.every(
        (p) => BigInt(p.offset === '-1' ? '0' : p.offset) >= BigInt(ends.get(p.partition) ?? '0'),
      );
      if (done) return;
      if (Date.now() > until) throw new Error(`${groupId} has not consumed ${topic} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
