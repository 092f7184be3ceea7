import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
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

  async sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    const producer = await this.connected();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: topicMessages.map((t) => ({ ...t, topic: physicalTopic(this.settings, t.topic) })),
      });
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
