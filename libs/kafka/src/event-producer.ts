import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { createIdempotentProducer, physicalTopic, type KafkaSettings } from './kafka-settings';

/**
 * The service's one producer (idempotent, acks=all). Connects lazily and reconnects after
 * the broker comes back, so a service starts and serves HTTP while Kafka is down.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connecting?: Promise<void>;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly settings: KafkaSettings,
  ) {
    this.producer = createIdempotentProducer(kafka);
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  /** Sends to contract topics (logical names); resolves once every broker acked. */
  async send(topic: string, messages: Message[]): Promise<void> {
    await this.sendBatch([{ topic, messages }]);
  }

  async sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    await this.ensureConnected();
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: topicMessages.map((t) => ({ ...t, topic: physicalTopic(this.settings, t.topic) })),
      });
    } catch (error) {
      // Force a fresh connection next time: kafkajs may keep a producer that lost its broker.
      this.connected = false;
      await this.producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    await this.producer.disconnect();
    this.connected = false;
  }

  private async ensureConnected(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.producer.connect().then(
      () => {
        this.connected = true;
        this.connecting = undefined;
      },
      (error) => {
        this.connecting = undefined;
        throw error;
      },
    );
    await this.connecting;
  }
}
