import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { traceHeaders } from '@org/tracing';
import { createIdempotentProducer, physicalTopic, type KafkaSettings } from './kafka-settings';

/**
 * The service's one producer (idempotent, acks=all). Connects lazily, and after a failed
 * send starts over with a new kafkajs producer: one that lost its broker (or never reached
 * it) does not reliably connect again. A service thus starts and serves HTTP while Kafka is
 * down, and its relays resume once it is back.
 */
export class EventProducer {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
  ) {}

  /** Sends to contract topics (logical names); resolves once every broker acked. */
  async send(topic: string, messages: Message[]): Promise<void> {
    await this.sendBatch([{ topic, messages }]);
  }

  /**
   * Sends in requests of at most ~800 KB, one after the other (so each partition keeps its
   * order): the broker refuses a record batch over 1 MB, and messages of one key travel as one
   * batch — twenty refused 100 KB snapshot pages for one DLQ would otherwise never leave.
   */
  async sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    const producer = await this.connected();
    // The trace of the sending code travels in each message's headers, unless it names its own.
    const trace = traceHeaders();
    const traced = Object.keys(trace).length
      ? topicMessages.map((t) => ({
          ...t,
          messages: t.messages.map((m) => (m.headers?.traceparent ? m : { ...m, headers: { ...trace, ...m.headers } })),
        }))
      : topicMessages;
    try {
      for (const request of requestsOf(traced)) {
        await producer.sendBatch({
          acks: -1,
          topicMessages: request.map((t) => ({ ...t, topic: physicalTopic(this.settings, t.topic) })),
        });
      }
    } catch (error) {
      await this.discard(producer);
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    const producer = await this.connecting?.catch(() => undefined);
    if (producer) await this.discard(producer);
  }

  private connected(): Promise<Producer> {
    this.connecting ??= (async () => {
      const producer = createIdempotentProducer(this.kafka);
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } catch (error) {
        this.connecting = undefined;
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
    })();
    return this.connecting;
  }

  private async discard(producer: Producer): Promise<void> {
    if (this.producer === producer) {
      this.producer = undefined;
      this.connecting = undefined;
    }
    await producer.disconnect().catch(() => undefined);
  }
}

const BYTES_PER_REQUEST = 800_000;
/** A record's own fields (length, attributes, deltas, varint lengths): 36 bytes at most. */
const RECORD_OVERHEAD = 64;
/** A header's two varint lengths, 5 bytes each at most. */
const HEADER_OVERHEAD = 10;

/** `topicMessages` cut, in order, into requests of at most BYTES_PER_REQUEST (a bigger message goes alone). */
export function requestsOf(topicMessages: TopicMessages[]): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let request: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const size = sizeOf(message.key) + sizeOf(message.value) + headersSizeOf(message.headers) + RECORD_OVERHEAD;
      if (bytes + size > BYTES_PER_REQUEST && bytes > 0) {
        requests.push(request);
        request = [];
        bytes = 0;
      }
      const last = request.at(-1);
      if (last?.topic === topic) last.messages.push(message);
      else request.push({ topic, messages: [message] });
      bytes += size;
    }
  }
  if (request.length) requests.push(request);
  return requests;
}

/** DLQ messages carry up to ~1.3 KB of headers: uncounted, 10,000 of them would pass the broker's 1 MB. */
function headersSizeOf(headers: Message['headers']): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(headers ?? {})) {
    // An array is sent as one header per element, each repeating the key.
    for (const one of Array.isArray(value) ? value : [value]) bytes += sizeOf(key) + sizeOf(one) + HEADER_OVERHEAD;
  }
  return bytes;
}

function sizeOf(data: Buffer | string | null | undefined): number {
  return data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
