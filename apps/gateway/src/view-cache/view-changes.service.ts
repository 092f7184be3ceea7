import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TOPICS } from '@org/contracts';
import { saslFromEnv } from '@org/config';
import { createKafka, physicalTopic } from '@org/kafka';
import { SERVICE_CONFIG } from '@org/service';
import type { Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { GatewayConfig } from '../config';
import { ViewCache } from './view-cache';

// kafkajs fetches at least every 5 s when idle; a feed silent for longer is not trusted.
const LIVE_FOR_MS = 15_000;

/**
 * Follows `resolver.views.v1` and drops the cached answers of every instance it names. Each
 * gateway process has its own consumer group (every gateway must see every change), starts at
 * the end of the topic (its cache starts empty) and commits nothing: there is no state to
 * resume, so nothing here needs the usual DLQ or commit-after-transaction.
 */
@Injectable()
export class ViewChangesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ViewChangesService.name);
  private consumer?: Consumer;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly cache: ViewCache,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cache.enabled) return;
    // In the background: the gateway answers without the cache until the feed is up.
    void this.follow().catch((error) => this.logger.warn(`view changes not followed: ${String(error)}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.cache.pause();
    await this.consumer?.disconnect();
  }

  private async follow(): Promise<void> {
    const settings = {
      brokers: this.config.KAFKA_BROKERS,
      clientId: 'gateway-view-cache',
      topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
      sasl: saslFromEnv(this.config),
    };
    const consumer = createKafka(settings).consumer({
      groupId: `${settings.topicPrefix}gateway.view-cache.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`,
      maxWaitTimeInMs: 1_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.FETCH, () => this.cache.markLive(LIVE_FOR_MS));
    for (const stop of [consumer.events.CRASH, consumer.events.DISCONNECT, consumer.events.STOP])
      consumer.on(stop, () => this.cache.pause());
    await consumer.connect();
    await consumer.subscribe({ topic: physicalTopic(settings, TOPICS.resolverViews), fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const instanceId = instanceNamed(message.value);
          // A message we cannot read may be about any instance: drop everything.
          if (instanceId) this.cache.invalidate(instanceId);
          else this.cache.clear();
        }
      },
    });
  }
}

function instanceNamed(value: Buffer | null): string | null {
  try {
    const id = JSON.parse(String(value))?.data?.instanceId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
